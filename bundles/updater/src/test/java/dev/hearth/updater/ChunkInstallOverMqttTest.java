package dev.hearth.updater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.agent.Agent;
import dev.hearth.agent.AgentSettings;
import dev.hearth.agent.AgentState;
import dev.hearth.agent.DeviceFacts;
import dev.hearth.agent.wire.Method;
import dev.hearth.hub.ChunkUpload;
import dev.hearth.hub.HubClient;
import dev.hearth.hub.HubSettings;
import dev.hearth.hub.Notification;
import dev.hearth.hub.Reply;
import dev.hearth.isolation.injvm.InJvmIsolationDriver;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorEventSink;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import dev.hearth.testsupport.Mosquitto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Installs from chunks end to end: the hub library sends a bundle file through a Mosquitto
 * broker to a real agent serving OTA-V1 over file-backed slots, checked with the real fw_printenv.
 */
class ChunkInstallOverMqttTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration REPLY = Duration.ofSeconds(10);
    static final String DEVICE = "board-1";

    @TempDir
    Path dir;
    FileDevice device;
    ElasticSupervisor supervisor;
    Mosquitto broker;
    Updater updater;
    Agent agent;
    HubClient hub;
    final BlockingQueue<Notification> notifications = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        device = new FileDevice(dir);
        supervisor = new ElasticSupervisor(SupervisorSettings.defaults(dir.resolve("state")), SupervisorEventSink.NONE);
        supervisor.addDriver(new InJvmIsolationDriver());
        broker = Mosquitto.anonymous(dir.resolve("mosquitto")).start();
        updater = device.updater("A", "1.0");
        DeviceFacts facts = new DeviceFacts(DEVICE, FileDevice.BOARD, "1", "1.0", "A", "felix", "7");
        agent = new Agent(AgentSettings.defaults(broker.url(), DEVICE, dir.resolve("agent"))
                .withAllowedRequesters(Set.of("hearth-hub")).withTelemetryIntervalSeconds(0), supervisor, facts,
                List.of(new OtaApp(updater, Duration.ofMillis(500))));
        agent.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (agent.state() != AgentState.CONNECTED && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        assertEquals(AgentState.CONNECTED, agent.state());
        hub = HubClient.connect(HubSettings.of(broker.url(), "hearth-hub"), Duration.ofSeconds(5));
        hub.notifications(n -> {
            if (n.device().equals(DEVICE) && n.appId().equals(OtaApp.ID)) {
                notifications.add(n);
            }
        });
    }

    @AfterEach
    void stop() {
        hub.close();
        agent.close();
        updater.close();
        supervisor.close();
        broker.close();
    }

    @Test
    void aBundleSentAsChunksFromTheHubIsInstalledIntoTheInactiveSlotAndTriedNext() throws Exception {
        byte[] image = FileDevice.image(2, FileDevice.SLOT_SIZE);
        Path bundle = write("update.hup", device.bundle(image, "2.0", 7));
        List<Long> acknowledged = new ArrayList<>();

        ChunkUpload.Outcome sent = ChunkUpload.send(hub, DEVICE, bundle, false, REPLY, acknowledged::add);

        assertTrue(sent.complete(), sent.reply().message());
        assertEquals(Files.size(bundle), sent.sent());
        assertTrue(acknowledged.size() >= 3, "several chunks of at most 128 KiB: " + acknowledged);
        Notification end = awaitOutcome();
        assertEquals("INSTALLED", state(end), end.payload().metrics().toString());
        assertArrayEquals(image, Files.readAllBytes(device.slotB), "slot B holds the new image");
        assertArrayEquals(FileDevice.image(1, FileDevice.SLOT_SIZE), Files.readAllBytes(device.slotA), "slot A untouched");
        Map<String, String> env = device.printenv();
        assertEquals("B A", env.get("BOOT_ORDER"), "fw_printenv reads the switch: " + env);
        assertTrue(device.reboot.first.await(5, TimeUnit.SECONDS), "the reboot was requested");
        JsonNode status = status();
        assertEquals("INSTALLED", status.get("state").asText());
        assertEquals("2.0", status.get("pendingVersion").asText());
    }

    @Test
    void aTransferAbandonedMidwayEndsWithErrorLeavesTheActiveSlotAloneAndTheNextInstallWorks() throws Exception {
        byte[] bundle = device.bundle(FileDevice.image(3, FileDevice.SLOT_SIZE), "2.0", 7);
        byte[] activeBefore = Files.readAllBytes(device.slotA);
        Reply opened = call("install", Map.of(), JSON.writeValueAsBytes(Map.of("source", "chunks", "size", bundle.length,
                "sha256", java.util.HexFormat.of().formatHex(sha256(bundle)))));
        assertEquals(200, opened.code(), opened.message());
        String transfer = JSON.readTree(opened.body()).get("transfer").asText();
        int chunk = OtaApp.MAX_CHUNK;
        assertEquals(200, chunk(transfer, 0, Arrays.copyOfRange(bundle, 0, chunk)).code());

        // Bad chunks are refused clearly and change nothing.
        assertRefused(chunk(transfer, 0, Arrays.copyOfRange(bundle, 0, chunk)), "duplicate chunk at 0");
        assertRefused(chunk(transfer, 2L * chunk, Arrays.copyOfRange(bundle, 2 * chunk, 2 * chunk + 10)),
                "chunk out of order at " + (2 * chunk) + ", next expected " + chunk);
        assertRefused(chunk(transfer, chunk, new byte[chunk + 1]), "exceeds the largest taken, " + chunk);
        assertRefused(chunk("nope", chunk, new byte[10]), "no transfer 'nope'");
        assertRefused(call("chunk", Map.of("transfer", transfer), new byte[10]), "needs the metrics");
        assertEquals(200, chunk(transfer, chunk, Arrays.copyOfRange(bundle, chunk, 2 * chunk)).code(),
                "the transfer goes on after refused chunks");
        // The hub goes away.

        Notification end = awaitOutcome();
        assertEquals("ERROR", state(end), end.payload().metrics().toString());
        String detail = end.payload().string("detail").orElse("");
        assertTrue(detail.contains("no chunk for 500 ms at byte " + 2 * chunk + " of " + bundle.length
                + ": the sender went away"), detail);
        assertArrayEquals(activeBefore, Files.readAllBytes(device.slotA), "the active slot is untouched");
        Map<String, String> env = device.printenv();
        assertEquals("A", env.get("BOOT_ORDER"), "B is out of the boot order: " + env);
        assertEquals(0, device.reboot.requests.get(), "no reboot");
        assertRefused(chunk(transfer, 2L * chunk, Arrays.copyOfRange(bundle, 2 * chunk, 3 * chunk)), "is ENDED");
        assertEquals("IDLE", status().get("state").asText());

        byte[] image = FileDevice.image(4, FileDevice.SLOT_SIZE);
        ChunkUpload.Outcome next = ChunkUpload.send(hub, DEVICE, write("next.hup", device.bundle(image, "2.1", 7)),
                false, REPLY, n -> { });
        assertTrue(next.complete(), next.reply().message());
        assertEquals("INSTALLED", state(awaitOutcome()));
        assertArrayEquals(image, Files.readAllBytes(device.slotB));
        assertEquals("B A", device.printenv().get("BOOT_ORDER"));
    }

    @Test
    void aBundleWithAFlippedPayloadByteSentAsChunksFailsAndNothingIsSwitched() throws Exception {
        byte[] bundle = device.bundle(FileDevice.image(5, FileDevice.SLOT_SIZE), "2.0", 7);
        bundle[bundle.length - 1000] ^= 0x01;
        byte[] activeBefore = Files.readAllBytes(device.slotA);

        ChunkUpload.send(hub, DEVICE, write("tampered.hup", bundle), false, REPLY, n -> { });

        Notification end = awaitOutcome();
        assertEquals("FAILED", state(end), end.payload().metrics().toString());
        assertTrue(end.payload().string("detail").orElse("").contains("does not match the manifest"),
                end.payload().metrics().toString());
        assertArrayEquals(activeBefore, Files.readAllBytes(device.slotA));
        assertEquals("A", device.printenv().get("BOOT_ORDER"));
        assertEquals(0, device.reboot.requests.get());
    }

    @Test
    void aBundleSignedByAnUnknownSignerSentAsChunksIsRefusedBeforeAnythingIsWrittenAndTheUploadStops() throws Exception {
        FileDevice stranger = new FileDevice(Files.createDirectory(dir.resolve("stranger")));
        // Four times the device's pipe: the upload cannot complete unless the installer reads past
        // the manifest (with a bundle that fits in the pipe, the sender could finish before the
        // signature check does). The signature is checked before the payload's size against the slot.
        byte[] bundle = stranger.bundle(FileDevice.image(6, (int) (4 * OtaApp.PIPE_BYTES)), "2.0", 7);
        byte[] envBefore = Files.readAllBytes(device.env1);
        byte[] slotBBefore = Files.readAllBytes(device.slotB);

        ChunkUpload.Outcome sent = ChunkUpload.send(hub, DEVICE, write("foreign.hup", bundle), false, REPLY, n -> { });

        Notification end = awaitOutcome();
        assertEquals("REFUSED", state(end), end.payload().metrics().toString());
        assertTrue(end.payload().string("detail").orElse("").contains("UNKNOWN_SIGNER"), end.payload().metrics().toString());
        assertFalse(sent.complete(), "the device stops taking chunks once the installer refused the bundle");
        assertTrue(sent.reply().message().contains("the installer stopped reading"), sent.reply().message());
        assertArrayEquals(envBefore, Files.readAllBytes(device.env1), "the environment is untouched");
        assertArrayEquals(slotBBefore, Files.readAllBytes(device.slotB), "nothing written to slot B");
    }

    private Reply chunk(String transfer, long offset, byte[] bytes) throws Exception {
        return call("chunk", Map.of("transfer", transfer, "offset", offset), bytes);
    }

    private Reply call(String resource, Map<String, Object> metrics, byte[] body) throws Exception {
        return hub.call(DEVICE, OtaApp.ID, Method.EXEC, resource, metrics, body, REPLY);
    }

    private JsonNode status() throws Exception {
        Reply r = hub.call(DEVICE, OtaApp.ID, Method.GET, "status", Map.of(), new byte[0], REPLY);
        assertEquals(200, r.code(), r.message());
        return JSON.readTree(r.body());
    }

    private static void assertRefused(Reply r, String why) {
        assertEquals(400, r.code(), r.body());
        assertTrue(r.message().contains(why), r.message());
    }

    /** The notification that ends the install (the first with a detail). */
    private Notification awaitOutcome() throws InterruptedException {
        List<String> seen = new ArrayList<>();
        while (true) {
            Notification n = notifications.poll(20, TimeUnit.SECONDS);
            assertNotNull(n, "the install's outcome within 20 s; had " + seen);
            seen.add(state(n));
            if (n.payload().string("detail").isPresent()) {
                return n;
            }
        }
    }

    private static String state(Notification n) {
        return n.payload().string("state").orElse("?");
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static byte[] sha256(byte[] b) {
        return dev.hearth.ota.Sha256.newDigest().digest(b);
    }
}
