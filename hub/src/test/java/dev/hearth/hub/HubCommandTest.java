package dev.hearth.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.agent.Agent;
import dev.hearth.agent.AgentSettings;
import dev.hearth.agent.AgentState;
import dev.hearth.agent.DeviceFacts;
import dev.hearth.agent.RebootAction;
import dev.hearth.agent.wire.CommandSignature;
import dev.hearth.agent.wire.Method;
import dev.hearth.isolation.injvm.InJvmIsolationDriver;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorEventSink;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import dev.hearth.testsupport.Mosquitto;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub CLI and library against a device agent over a Mosquitto broker, with signed commands. */
class HubCommandTest {

    @TempDir
    static Path dir;
    static Mosquitto broker;
    static String url;
    static ElasticSupervisor supervisor;
    static InJvmIsolationDriver driver;
    static Agent agent;
    static Path key;
    static Path otherKey;

    @BeforeAll
    static void start() throws Exception {
        broker = Mosquitto.anonymous(dir.resolve("mosquitto")).start();
        url = broker.url();

        KeyPair pair = CommandSignature.generateKeyPair();
        key = dir.resolve("hub.pem");
        Files.writeString(key, CommandSignature.pem(pair.getPrivate()));
        otherKey = dir.resolve("other.pem");
        Files.writeString(otherKey, CommandSignature.pem(CommandSignature.generateKeyPair().getPrivate()));

        supervisor = new ElasticSupervisor(SupervisorSettings.defaults(dir.resolve("state")), SupervisorEventSink.NONE);
        driver = new InJvmIsolationDriver();
        supervisor.addDriver(driver);
        driver.addFactory("hello", ctx -> r -> ServiceResponse.of(200, "text/plain", "hi".getBytes(StandardCharsets.UTF_8)));
        DeviceFacts facts = new DeviceFacts("board-7", "test", "7", "2.0.0", "B", "felix", "7");
        RebootAction noReboot = new RebootAction() {
            @Override public String name() { return "none"; }
            @Override public void reboot() { }
        };
        AgentSettings settings = AgentSettings.defaults(url, "board-7", dir.resolve("agent"))
                .withAllowedRequesters(Set.of("hearth-hub")).withTelemetryIntervalSeconds(0)
                .withSigning(List.of(pair.getPublic()), true);
        agent = new Agent(settings, supervisor, facts, Agent.standardApps(supervisor, noReboot, facts));
        agent.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (agent.state() != AgentState.CONNECTED && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        assertEquals(AgentState.CONNECTED, agent.state());
        // The agent's retained status is on the broker before any test asks for the devices (a watcher
        // registered just after its subscription may miss the retained copy: then ask again).
        long statusDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean retained = false;
        while (!retained && System.nanoTime() < statusDeadline) {
            java.util.concurrent.CountDownLatch status = new java.util.concurrent.CountDownLatch(1);
            try (HubClient watcher = HubClient.connect(HubSettings.of(url, "status-watcher"), Duration.ofSeconds(5))) {
                watcher.watch(e -> {
                    if (e.device().equals("board-7") && e.kind().equals("STATUS")) {
                        status.countDown();
                    }
                });
                retained = status.await(500, TimeUnit.MILLISECONDS);
            }
        }
        assertTrue(retained, "the agent's retained status reached the broker");
    }

    @AfterAll
    static void stop() {
        agent.close();
        supervisor.close();
        driver.close();
        broker.close();
    }

    record Run(int code, String out, String err) { }

    static Run hub(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--broker=" + url;
        all[1] = "--timeout=3s";
        System.arraycopy(args, 0, all, 2, args.length);
        int code = HubCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aSignedHubDeploysScalesInspectsAndStopsAServiceThroughTheCli() throws Exception {
        Path spec = dir.resolve("spec.json");
        Files.writeString(spec, "{\"name\":\"notes\",\"driver\":\"injvm\",\"image\":\"hello\",\"maxInstances\":3}");
        Run deploy = hub("deploy", "--key=" + key, "board-7", spec.toString());
        assertEquals(0, deploy.code, deploy.err);
        assertTrue(deploy.out.contains("deployed notes"));

        Run scale = hub("scale", "--key=" + key, "board-7", "notes", "2");
        assertEquals(0, scale.code, scale.err);
        assertTrue(scale.out.contains("SERVICE"));

        Run services = hub("services", "board-7");
        assertEquals(0, services.code, services.err);
        assertTrue(services.out.lines().anyMatch(l -> l.startsWith("notes")), services.out);

        Run logs = hub("--json", "logs", "board-7", "notes");
        assertEquals(0, logs.code, logs.err);
        assertTrue(logs.out.contains("\"logs\""));

        Run stop = hub("stop", "--key=" + key, "board-7", "notes");
        assertEquals(0, stop.code, stop.err);
    }

    @Test
    void anUnsignedOrWronglySignedExecDoesNothingWhenSigningIsRequired() throws Exception {
        supervisor.deploy(dev.hearth.supervisor.ServiceSpec.of("guarded", "injvm", "hello"));
        Run unsigned = hub("scale", "board-7", "guarded", "1");
        assertEquals(1, unsigned.code);
        assertTrue(unsigned.err.contains("signed request is required"), unsigned.err);
        Run wrong = hub("scale", "--key=" + otherKey, "board-7", "guarded", "1");
        assertEquals(1, wrong.code);
        assertTrue(wrong.err.contains("does not verify"), wrong.err);
        assertEquals(0, supervisor.status("guarded").orElseThrow().instances());
    }

    @Test
    void aDeviceThatNeverAnswersEndsInATimeoutWithExitCode3() {
        StringWriter err = new StringWriter();
        int code = HubCommand.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
                "--broker=" + url, "--timeout=300ms", "services", "no-such-board");
        assertEquals(3, code, err.toString());
        assertTrue(err.toString().contains("no reply from 'no-such-board'"), err.toString());
    }

    @Test
    void anUnreachableBrokerEndsWithExitCode4() throws Exception {
        StringWriter err = new StringWriter();
        int code = HubCommand.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
                "--broker=tcp://127.0.0.1:1", "--timeout=1s", "services", "board-7");
        assertEquals(4, code, err.toString());
    }

    @Test
    void devicesListsTheDeviceFromItsRetainedBirth() {
        Run r = hub("--json", "devices", "--listen=1s");
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("board-7") && r.out.contains("2.0.0"), r.out);
    }

    @Test
    void theLibraryAwaitsAReplyWithATimeout() throws Exception {
        try (HubClient client = HubClient.connect(HubSettings.of(url, "hearth-hub"), Duration.ofSeconds(3))) {
            Reply info = client.call("board-7", "SYS-V1", Method.GET, "info", Map.of(), new byte[0], Duration.ofSeconds(3));
            assertEquals(200, info.code());
            assertEquals("B", info.payload().string("hearth.slot").orElseThrow());
        }
    }
}
