package dev.hearth.services.notes;

import static dev.hearth.services.notes.Requests.body;
import static dev.hearth.services.notes.Requests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.isolation.Instance;
import dev.hearth.isolation.InstanceContext;
import dev.hearth.isolation.InstanceExit;
import dev.hearth.isolation.injvm.InJvmIsolationDriver;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.ServiceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotesOnInJvmDriverTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path state;

    private final InJvmIsolationDriver driver = new InJvmIsolationDriver();

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void twoInstancesOfNotesShareTheirNotesAndAStoppedOneLeavesThemBehind() throws Exception {
        driver.addFactory(NotesHandlerFactory.NAME, new NotesHandlerFactory());
        ServiceSpec spec = ServiceSpec.of("notes", InJvmIsolationDriver.TYPE, NotesHandlerFactory.NAME);
        Instance first = await(driver.start(context(spec, "1")));
        Instance second = await(driver.start(context(spec, "2")));

        ServiceResponse created = await(first.handle(request("POST", "/", "{\"title\":\"milk\"}")));
        String id = JSON.readTree(body(created)).get("id").textValue();
        first.stop(Duration.ofSeconds(5));

        assertEquals(InstanceExit.stopped(), await(first.exit()));
        ServiceResponse read = await(second.handle(request("GET", "/" + id)));
        assertEquals(200, read.status());
        assertEquals("milk", JSON.readTree(body(read)).get("title").textValue());
        assertEquals(404, await(second.handle(request("GET", "/../" + id))).status());
    }

    private InstanceContext context(ServiceSpec spec, String instanceId) throws Exception {
        Path data = Files.createDirectories(state.resolve("services/notes/data"));
        Path run = Files.createDirectories(state.resolve("run/" + instanceId));
        return new InstanceContext(spec, instanceId, data, run);
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
