package dev.hearth.services.contacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.isolation.DriverAvailability;
import dev.hearth.isolation.crun.CrunIsolationDriver;
import dev.hearth.isolation.crun.CrunSettings;
import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.ServiceSpec;
import dev.hearth.supervisor.ServiceStatus;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorEventSink;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contacts image (target/images/contacts.tar, built before the tests) under the real elastic
 * supervisor and real crun, on this JVM's JRE mounted read-only into the container. Needs root and
 * crun: skipped without them off CI, failed without them on CI (CI=true).
 */
class ContactsContainerTest {

    private static final Path IMAGES = Path.of("target", "images").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path state;

    private CrunIsolationDriver driver;
    private ElasticSupervisor supervisor;

    @BeforeEach
    void open() {
        CrunSettings defaults = CrunSettings.defaults(Path.of("/run/hearth-test/contacts-" + ProcessHandle.current()
                .pid()), state);
        driver = new CrunIsolationDriver(new CrunSettings(defaults.runDirectory(), state.resolve("images"), IMAGES,
                "crun", defaults.pidsLimit(), defaults.tmpfsBytes(), 1, defaults.reserveWindowMillis(),
                defaults.reserveKeepMillis(), defaults.hostJava()));
        DriverAvailability availability = driver.availability();
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(availability.available(), availability.reason());
        }
        assumeTrue(availability.available(), availability.reason());
        supervisor = new ElasticSupervisor(new SupervisorSettings(state, state.resolve("run"), 50, 5_000, 50, 200, 3),
                SupervisorEventSink.NONE);
        supervisor.addDriver(driver);
        supervisor.deploy(ServiceSpec.builder("contacts", "crun", "contacts.tar").memoryLimitBytes(128L << 20)
                .activationTimeoutMillis(30_000).build());
    }

    @AfterEach
    void close() {
        if (supervisor != null) {
            supervisor.close();
        }
        driver.close();
    }

    private ServiceResponse call(String method, String path, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ServiceRequest request = new ServiceRequest(method, path, "", Map.of("content-type",
                List.of("application/json")), new ByteArrayInputStream(bytes), bytes.length);
        return supervisor.dispatch("contacts", request).toCompletableFuture().get(40, TimeUnit.SECONDS);
    }

    private JsonNode json(ServiceResponse response, int status) throws Exception {
        byte[] body = response.body().readAllBytes();
        assertEquals(status, response.status(), () -> new String(body, StandardCharsets.UTF_8));
        return JSON.readTree(body);
    }

    private void awaitZeroInstances() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        ServiceStatus status = supervisor.status("contacts").orElseThrow();
        while (status.instances() != 0) {
            assertTrue(System.nanoTime() < deadline, "the instance did not stop: " + status);
            Thread.onSpinWait();
            status = supervisor.status("contacts").orElseThrow();
        }
    }

    @Test
    void contactsAreCreatedListedReadAndDeletedAndSurviveARestartOfTheInstance() throws Exception {
        JsonNode ada = json(call("POST", "/", "{\"name\":\"Ada\",\"email\":\"ada@example.org\"}"), 201);
        JsonNode bob = json(call("POST", "/", "{\"name\":\"Bob\",\"phone\":\"+33 1 23\"}"), 201);
        String adaId = ada.path("id").asText();
        assertEquals(16, adaId.length(), ada.toString());

        JsonNode all = json(call("GET", "/", ""), 200);
        assertEquals(2, all.size(), all.toString());
        assertEquals("Ada", all.get(0).path("name").asText());
        assertEquals("Bob", all.get(1).path("name").asText());
        assertEquals("ada@example.org", json(call("GET", "/" + adaId, ""), 200).path("email").asText());

        assertEquals(204, call("DELETE", "/" + bob.path("id").asText(), "").status());
        assertEquals(404, call("GET", "/" + bob.path("id").asText(), "").status());
        assertEquals(400, call("POST", "/", "{\"nickname\":\"no name\"}").status(),
                "a contact without a name is refused");
        assertTrue(Files.exists(state.resolve("services/contacts/data/contacts/" + adaId + ".json")),
                "each contact is a file in the service's data directory");

        supervisor.stop("contacts");
        awaitZeroInstances();
        JsonNode after = json(call("GET", "/", ""), 200);
        assertEquals(1, after.size(), after.toString());
        assertEquals(adaId, after.get(0).path("id").asText(), "the data outlived the instance");
        assertEquals(2, supervisor.status("contacts").orElseThrow().coldStarts());
    }
}
