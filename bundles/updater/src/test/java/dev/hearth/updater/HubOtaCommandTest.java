package dev.hearth.updater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.agent.Agent;
import dev.hearth.agent.AgentSettings;
import dev.hearth.agent.AgentState;
import dev.hearth.agent.DeviceFacts;
import dev.hearth.hub.HubCommand;
import dev.hearth.isolation.injvm.InJvmIsolationDriver;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorEventSink;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import dev.hearth.testsupport.Mosquitto;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hearth hub ota …} against a real agent serving OTA-V1 over file-backed slots, through Mosquitto. */
class HubOtaCommandTest {

    static final String DEVICE = "board-1";

    @TempDir
    Path dir;
    FileDevice device;
    ElasticSupervisor supervisor;
    Mosquitto broker;
    Updater updater;
    Agent agent;

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
                List.of(new OtaApp(updater, Duration.ofSeconds(5))));
        agent.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (agent.state() != AgentState.CONNECTED && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        assertEquals(AgentState.CONNECTED, agent.state());
    }

    @AfterEach
    void stop() {
        agent.close();
        updater.close();
        supervisor.close();
        broker.close();
    }

    @Test
    void otaInstallOfAFileSendsChunksPrintsTheDevicesProgressAndExitsZeroOnceInstalled() throws Exception {
        byte[] image = FileDevice.image(2, FileDevice.SLOT_SIZE);
        Path bundle = dir.resolve("update.hup");
        Files.write(bundle, device.bundle(image, "2.0", 7));

        Run run = hub("ota", "install", DEVICE, "--file", bundle.toString(), "--chunk-size", "65536");

        assertEquals(0, run.code, run.toString());
        assertTrue(run.out.contains("WRITING "), run.toString());
        assertTrue(run.out.contains("sent " + Files.size(bundle) + " bytes in transfer "), run.toString());
        assertTrue(run.out.contains("INSTALLED: installed version 2.0 into slot B"), run.toString());
        assertArrayEquals(image, Files.readAllBytes(device.slotB));
        assertEquals("B A", device.printenv().get("BOOT_ORDER"));

        Run status = hub("ota", "status", DEVICE);
        assertEquals(0, status.code, status.toString());
        assertTrue(status.out.lines().anyMatch(l -> l.matches("pendingVersion\\s+2\\.0")), status.out);
        assertTrue(status.out.lines().anyMatch(l -> l.matches("bootOrder\\s+B A")), status.out);
        Run json = hub("--json", "ota", "status", DEVICE);
        JsonNode s = new ObjectMapper().readTree(json.out);
        assertEquals("INSTALLED", s.get("state").asText());
        assertEquals("B", s.get("pendingSlot").asText());
    }

    @Test
    void otaInstallOfATamperedBundleFromAUrlExitsOneNamingTheFailureAndNothingIsSwitched() throws Exception {
        byte[] bundle = device.bundle(FileDevice.image(3, FileDevice.SLOT_SIZE), "2.0", 7);
        bundle[bundle.length - 1000] ^= 0x01;
        Path file = dir.resolve("tampered.hup");
        Files.write(file, bundle);
        byte[] activeBefore = Files.readAllBytes(device.slotA);

        Run run = hub("--json", "ota", "install", DEVICE, "--url", file.toUri().toString());

        assertEquals(1, run.code, run.toString());
        assertTrue(run.err.contains("install FAILED: "), run.toString());
        assertTrue(run.out.lines().allMatch(l -> l.startsWith("{")), "JSON lines: " + run.out);
        assertArrayEquals(activeBefore, Files.readAllBytes(device.slotA));
        assertEquals("A", device.printenv().get("BOOT_ORDER"));
    }

    @Test
    void otaInstallOfAFileFromAForeignSignerExitsOneWithTheRefusalAndNotTheStoppedUpload() throws Exception {
        FileDevice stranger = new FileDevice(Files.createDirectory(dir.resolve("stranger")));
        Path file = dir.resolve("foreign.hup");
        Files.write(file, stranger.bundle(FileDevice.image(4, FileDevice.SLOT_SIZE), "2.0", 7));
        byte[] slotBBefore = Files.readAllBytes(device.slotB);

        Run run = hub("ota", "install", DEVICE, "--file", file.toString());

        assertEquals(1, run.code, run.toString());
        assertTrue(run.err.contains("install REFUSED: refused, UNKNOWN_SIGNER"), run.toString());
        assertFalse(run.err.contains("answered 400"), "the refusal explains the stopped upload: " + run);
        assertArrayEquals(slotBBefore, Files.readAllBytes(device.slotB));
    }

    @Test
    void markBadMarkGoodAndRollbackAnswerAsTheDeviceDoesWithExitCodesThatSaySo() throws Exception {
        Run bad = hub("ota", "mark-bad", DEVICE, "--slot", "B");
        assertEquals(0, bad.code, bad.toString());
        assertEquals("slot B marked bad", bad.out.strip());
        assertEquals("A", device.printenv().get("BOOT_ORDER"), "fw_printenv sees B out of the order");

        Run rollback = hub("ota", "rollback", DEVICE);
        assertEquals(1, rollback.code, rollback.toString());
        assertTrue(rollback.err.contains("nothing to roll back to"), rollback.toString());
        assertEquals(0, device.reboot.requests.get(), "no reboot");

        Run good = hub("ota", "mark-good", DEVICE);
        assertEquals(0, good.code, good.toString());
        assertEquals("slot A marked good", good.out.strip());

        Run usage = hub("ota", "install", DEVICE);
        assertEquals(2, usage.code, "--url or --file is required: " + usage);
    }

    private Run hub(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--broker", broker.url(), "--timeout", "10s"));
        int code = HubCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(new String[0]));
        return new Run(code, out.toString(), err.toString());
    }

    private record Run(int code, String out, String err) { }
}
