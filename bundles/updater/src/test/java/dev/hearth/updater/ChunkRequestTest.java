package dev.hearth.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.agent.api.Request;
import dev.hearth.agent.api.Response;
import dev.hearth.agent.wire.ControlTopic;
import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.Payload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OTA-V1's install-from-chunks requests: malformed ones are refused with a reason, a second install is refused while one runs. */
class ChunkRequestTest {

    static final String SHA = "00".repeat(32);

    @TempDir
    Path dir;
    Updater updater;
    OtaApp app;
    final BlockingQueue<Map<String, Object>> notifications = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        updater = new FileDevice(dir).updater("A", "1.0");
        app = new OtaApp(updater, Duration.ofMillis(300));
    }

    @AfterEach
    void stop() {
        updater.close();
    }

    @Test
    void anInstallFromChunksNeedsAPositiveSizeAndAWholeSha256AndNoUrl() {
        assertRefused(install("{\"source\":\"chunks\",\"sha256\":\"" + SHA + "\"}"), "need \"size\"");
        assertRefused(install("{\"source\":\"chunks\",\"size\":0,\"sha256\":\"" + SHA + "\"}"), "need \"size\"");
        assertRefused(install("{\"source\":\"chunks\",\"size\":1.5,\"sha256\":\"" + SHA + "\"}"), "need \"size\"");
        assertRefused(install("{\"source\":\"chunks\",\"size\":10}"), "need \"sha256\"");
        assertRefused(install("{\"source\":\"chunks\",\"size\":10,\"sha256\":\"abc\"}"), "64 hex digits");
        assertRefused(install("{\"source\":\"chunks\",\"size\":10,\"sha256\":\"" + "zz".repeat(32) + "\"}"), "64 hex digits");
        assertRefused(install("{\"source\":\"ftp\",\"size\":10,\"sha256\":\"" + SHA + "\"}"), "can only be \"chunks\"");
        assertRefused(install("{\"source\":\"chunks\",\"url\":\"http://x/u.hup\",\"size\":10,\"sha256\":\"" + SHA + "\"}"),
                "without \"url\"");
        assertRefused(install("{\"source\":\"chunks\",\"size\":10,\"sha256\":\"" + SHA + "\",\"offset\":0}"), "unknown key 'offset'");
    }

    @Test
    void anOpenedTransferNamesItsIdAndChunkSizeAndASecondInstallIsRefusedWhileItRuns() throws Exception {
        Response opened = install("{\"source\":\"chunks\",\"size\":100000,\"sha256\":\"" + SHA + "\"}");
        assertEquals(Response.OK, opened.code(), opened.message());
        JsonNode body = new ObjectMapper().readTree(opened.body());
        assertEquals(8, body.get("transfer").asText().length());
        assertEquals(OtaApp.MAX_CHUNK, body.get("chunkSize").asInt());
        assertEquals(100000, body.get("size").asLong());

        assertRefused(install("{\"source\":\"chunks\",\"size\":10,\"sha256\":\"" + SHA + "\"}"), "while INSTALLING");
        Map<String, Object> end;
        do {
            end = notifications.poll(10, TimeUnit.SECONDS);
            assertNotNull(end, "the install ends once no chunk comes");
        } while (!end.containsKey("detail"));
        assertEquals("ERROR", end.get("state"), end.toString());
    }

    private Response install(String body) {
        return app.handle(new Request(new ControlTopic(OtaApp.ID, "EXEC", List.of("install")), Method.EXEC, "r-1", "hub-1",
                Payload.of(Map.of(), body.getBytes(StandardCharsets.UTF_8)), false, (type, metrics) -> notifications.add(metrics)));
    }

    private static void assertRefused(Response r, String why) {
        assertEquals(Response.BAD_REQUEST, r.code(), r.message());
        assertTrue(r.message().contains(why), r.message());
    }
}
