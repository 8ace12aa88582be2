package dev.hearth.updater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.hearth.agent.api.Request;
import dev.hearth.agent.api.Response;
import dev.hearth.agent.wire.ControlTopic;
import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.Payload;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OTA-V1 against file-backed slots, the real U-Boot environment tools and a loopback HTTP server. */
class OtaAppTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    FileDevice device;
    Updater updater;
    OtaApp app;
    HttpServer server;
    final BlockingQueue<Map<String, Object>> notifications = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws IOException {
        device = new FileDevice(dir);
        updater = device.updater("A", "1.0");
        app = new OtaApp(updater);
    }

    @AfterEach
    void stop() {
        updater.close();
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void anUpdateFromAUrlIsWrittenToTheInactiveSlotTriedNextAndTheRebootRequested() throws Exception {
        byte[] image = FileDevice.image(2, FileDevice.SLOT_SIZE);
        URI url = serve(device.bundle(image, "2.0", 7));

        Response accepted = app.handle(request(Method.EXEC, "install", "{\"url\":\"" + url + "\"}"));
        assertEquals(Response.OK, accepted.code(), accepted.message());
        Map<String, Object> outcome = awaitOutcome();
        assertEquals("INSTALLED", outcome.get("state"), outcome.toString());

        assertArrayEquals(image, Files.readAllBytes(device.slotB), "slot B holds the new image");
        assertArrayEquals(FileDevice.image(1, FileDevice.SLOT_SIZE), Files.readAllBytes(device.slotA), "slot A untouched");
        Map<String, String> env = device.printenv();
        assertEquals("B A", env.get("BOOT_ORDER"), "fw_printenv reads the switch: " + env);
        assertEquals("3", env.get("BOOT_B_LEFT"));
        assertTrue(device.reboot.first.await(5, TimeUnit.SECONDS), "the reboot was requested");
        assertEquals(1, device.reboot.requests.get());

        JsonNode status = status();
        assertEquals("INSTALLED", status.get("state").asText());
        assertEquals("B", status.get("pendingSlot").asText());
        assertEquals("2.0", status.get("pendingVersion").asText());
        assertEquals(FileDevice.SLOT_SIZE, status.get("bytesDone").asLong());
        assertEquals("A", status.get("bootedSlot").asText());
        assertTrue(device.events.stream().anyMatch(e -> e.startsWith(UpdaterEvents.INSTALLED)), device.events.toString());
    }

    @Test
    void progressIsNotifiedWhileWritingUpToTheWholePayload() throws Exception {
        byte[] image = FileDevice.image(3, 4 * 1024 * 1024);
        Files.write(device.slotB, new byte[image.length]);
        URI url = serve(device.bundle(image, "2.0", 7));
        app.handle(request(Method.EXEC, "install", "{\"url\":\"" + url + "\"}"));
        List<Map<String, Object>> seen = new ArrayList<>();
        Map<String, Object> n;
        do {
            n = notifications.poll(20, TimeUnit.SECONDS);
            assertNotNull(n, "a notification within 20 s, had " + seen);
            seen.add(n);
        } while (n.get("detail") == null);
        assertEquals("INSTALLED", n.get("state"), seen.toString());
        List<Long> writing = seen.stream().filter(m -> "WRITING".equals(m.get("state")))
                .map(m -> (Long) m.get("bytes.done")).toList();
        assertTrue(writing.size() >= 4, "one notification per 5 % or so: " + seen);
        for (int i = 1; i < writing.size(); i++) {
            assertTrue(writing.get(i) > writing.get(i - 1), "progress grows: " + writing);
        }
        assertEquals((long) image.length, writing.get(writing.size() - 1));
    }

    @Test
    void aTamperedPayloadFailsTheInstallAndLeavesTheActiveSlotAndItsBootAsTheyWere() throws Exception {
        byte[] bundle = device.bundle(FileDevice.image(4, FileDevice.SLOT_SIZE), "2.0", 7);
        bundle[bundle.length - 1000] ^= 0x01;
        byte[] activeBefore = Files.readAllBytes(device.slotA);

        app.handle(request(Method.EXEC, "install", "{\"url\":\"" + serve(bundle) + "\"}"));
        Map<String, Object> outcome = awaitOutcome();
        assertEquals("FAILED", outcome.get("state"), outcome.toString());
        assertTrue(outcome.get("detail").toString().contains("does not match the manifest"), outcome.toString());

        assertArrayEquals(activeBefore, Files.readAllBytes(device.slotA), "nothing written to the active slot");
        Map<String, String> env = device.printenv();
        assertEquals("A", env.get("BOOT_ORDER"), "the partial slot B is out of the order: " + env);
        assertEquals("3", env.get("BOOT_A_LEFT"));
        assertEquals(0, device.reboot.requests.get(), "no reboot");
        assertEquals("IDLE", status().get("state").asText());
    }

    @Test
    void aManifestSignedByAnotherCaIsRefusedBeforeAnythingIsWritten() throws Exception {
        FileDevice stranger = new FileDevice(Files.createDirectory(dir.resolve("stranger")));
        byte[] bundle = stranger.bundle(FileDevice.image(5, FileDevice.SLOT_SIZE), "2.0", 7);
        byte[] env1 = Files.readAllBytes(device.env1);
        byte[] env2 = Files.readAllBytes(device.env2);
        byte[] slotB = Files.readAllBytes(device.slotB);

        app.handle(request(Method.EXEC, "install", "{\"url\":\"" + serve(bundle) + "\"}"));
        Map<String, Object> outcome = awaitOutcome();
        assertEquals("REFUSED", outcome.get("state"), outcome.toString());
        assertTrue(outcome.get("detail").toString().contains("UNKNOWN_SIGNER"), outcome.toString());
        assertArrayEquals(env1, Files.readAllBytes(device.env1), "environment untouched");
        assertArrayEquals(env2, Files.readAllBytes(device.env2), "environment untouched");
        assertArrayEquals(slotB, Files.readAllBytes(device.slotB), "inactive slot untouched");
        assertTrue(status().get("lastResult").asText().startsWith("refused, UNKNOWN_SIGNER"));
    }

    @Test
    void aBundleBelowTheInstalledCounterIsRefusedUnlessForced() throws Exception {
        updater.close();
        updater = device.updater(device.settings("A", "1.0", 9, false, java.time.Duration.ofSeconds(1), List.of()));
        app = new OtaApp(updater);
        URI url = serve(device.bundle(FileDevice.image(6, FileDevice.SLOT_SIZE), "0.9", 8));

        app.handle(request(Method.EXEC, "install", "{\"url\":\"" + url + "\"}"));
        Map<String, Object> refused = awaitOutcome();
        assertEquals("REFUSED", refused.get("state"), refused.toString());
        assertTrue(refused.get("detail").toString().contains("DOWNGRADE"), refused.toString());

        app.handle(request(Method.EXEC, "install", "{\"url\":\"" + url + "\",\"force\":true}"));
        assertEquals("INSTALLED", awaitOutcome().get("state"));
        assertEquals(0, device.reboot.requests.get(), "rebootAfterInstall=false only reports the reboot");
    }

    @Test
    void markGoodMarkBadAndRollbackChangeTheSelectionThatFwPrintenvReads() throws Exception {
        device.setenv("BOOT_A_LEFT", "2"); // the boot script took an attempt
        Response good = app.handle(request(Method.EXEC, "mark-good", ""));
        assertEquals(Response.OK, good.code(), good.message());
        assertEquals("3", device.printenv().get("BOOT_A_LEFT"));

        Response rollback = app.handle(request(Method.EXEC, "rollback", ""));
        assertEquals(Response.OK, rollback.code(), rollback.message());
        assertEquals("B A", device.printenv().get("BOOT_ORDER"));
        assertEquals(1, device.reboot.requests.get(), "a rollback reboots");

        Response bad = app.handle(request(Method.EXEC, "mark-bad", "{\"slot\":\"B\"}"));
        assertEquals(Response.OK, bad.code(), bad.message());
        assertEquals("A", device.printenv().get("BOOT_ORDER"));
        assertEquals("0", device.printenv().get("BOOT_B_LEFT"));

        Response noWayBack = app.handle(request(Method.EXEC, "rollback", ""));
        assertEquals(Response.BAD_REQUEST, noWayBack.code());
        assertTrue(noWayBack.message().contains("slot B is marked bad"), noWayBack.message());
        Response nothingLeft = app.handle(request(Method.EXEC, "mark-bad", ""));
        assertEquals(Response.BAD_REQUEST, nothingLeft.code());
        assertTrue(nothingLeft.message().contains("leaves no slot to boot"), nothingLeft.message());
        assertEquals("A", device.printenv().get("BOOT_ORDER"), "the refused mark changed nothing");
    }

    @Test
    void malformedAndUnknownRequestsAreRefused() {
        assertEquals(Response.BAD_REQUEST, app.handle(request(Method.EXEC, "install", "{}")).code());
        assertEquals(Response.BAD_REQUEST, app.handle(request(Method.EXEC, "install", "{\"url\":\"ftp://x/y\"}")).code());
        assertEquals(Response.BAD_REQUEST, app.handle(request(Method.EXEC, "install", "{\"url\":\"http://x\",\"y\":1}")).code());
        assertEquals(Response.NOT_FOUND, app.handle(request(Method.GET, "install", "")).code());
        assertEquals(Response.NOT_FOUND, app.handle(request(Method.EXEC, "reboot", "")).code());
        assertEquals(Response.BAD_REQUEST, app.handle(request(Method.EXEC, "mark-bad", "{\"slot\":\"C\"}")).code());
    }

    private JsonNode status() throws IOException {
        Response r = app.handle(request(Method.GET, "status", ""));
        assertEquals(Response.OK, r.code(), r.message());
        return JSON.readTree(r.body());
    }

    private Map<String, Object> awaitOutcome() throws InterruptedException {
        while (true) {
            Map<String, Object> n = notifications.poll(20, TimeUnit.SECONDS);
            assertNotNull(n, "the install finished within 20 s");
            if (n.containsKey("detail")) {
                return n;
            }
        }
    }

    private URI serve(byte[] body) throws IOException {
        if (server != null) {
            server.stop(0);
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/update.hup", ex -> {
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/update.hup");
    }

    private Request request(Method method, String resource, String body) {
        return new Request(new ControlTopic(OtaApp.ID, method.name(), List.of(resource.split("/"))), method, "r-1", "hub-1",
                Payload.of(Map.of(), body.getBytes(StandardCharsets.UTF_8)), false,
                (type, metrics) -> notifications.add(metrics));
    }
}
