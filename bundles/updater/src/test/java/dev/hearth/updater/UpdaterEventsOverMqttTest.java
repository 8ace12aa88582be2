package dev.hearth.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.agent.Agent;
import dev.hearth.agent.AgentSettings;
import dev.hearth.agent.AgentState;
import dev.hearth.agent.DeviceFacts;
import dev.hearth.hub.DeviceEvent;
import dev.hearth.hub.HubClient;
import dev.hearth.hub.HubSettings;
import dev.hearth.isolation.injvm.InJvmIsolationDriver;
import dev.hearth.ota.install.FileUpdateSource;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorEventSink;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import dev.hearth.testsupport.Mosquitto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The updater's events reach the hub through the agent's outbox, also those found before the agent connects. */
class UpdaterEventsOverMqttTest {

    @TempDir
    Path dir;
    FileDevice device;
    ElasticSupervisor supervisor;
    Mosquitto broker;

    @BeforeEach
    void start() throws Exception {
        device = new FileDevice(dir);
        supervisor = new ElasticSupervisor(SupervisorSettings.defaults(dir.resolve("state")), SupervisorEventSink.NONE);
        supervisor.addDriver(new InJvmIsolationDriver());
        broker = Mosquitto.anonymous(dir.resolve("mosquitto"));
    }

    @AfterEach
    void stop() {
        supervisor.close();
        broker.close();
    }

    @Test
    void aRollbackFoundAtStartWhileTheBrokerIsAwaySurvivesARestartAndReachesAHubThatConnectsLater() throws Exception {
        // Boot 1, slot A: version 2.0 is installed into B and tried next.
        Updater first = device.updater(device.settings("A", "1.0", 0, false, Duration.ofSeconds(10), List.of()));
        CompletableFuture<String> installed = new CompletableFuture<>();
        Path bundle = dir.resolve("update.hup");
        Files.write(bundle, device.bundle(FileDevice.image(2, FileDevice.SLOT_SIZE), "2.0", 1));
        first.install(new FileUpdateSource(bundle), false, listener(installed));
        assertEquals("INSTALLED", installed.get(20, TimeUnit.SECONDS));
        first.close();

        // Boot 2 came back into A (B never became healthy); the broker is away. The updater finds the
        // rollback before the agent is there; the agent keeps the event in its outbox.
        device.boot();
        EventRelay relay = new EventRelay();
        Updater second = new Updater(device.settings("A", "1.0", Duration.ofSeconds(10), List.of()),
                () -> Optional.of(device.reboot), relay);
        assertEquals(1, relay.heldForPublisher(), "the rollback waits for an agent");
        Agent agent = agent();
        relay.publisher(Optional.of(agent));
        assertEquals(0, relay.heldForPublisher());
        assertEquals(1, agent.pending(), "the event waits in the outbox");
        agent.close(); // the userland stops before the broker comes back
        second.close();

        broker.start();
        BlockingQueue<DeviceEvent> events = new LinkedBlockingQueue<>();
        try (HubClient hub = HubClient.connect(HubSettings.of(broker.url(), "hearth-hub"), Duration.ofSeconds(5))) {
            hub.watch(e -> {
                if (e.device().equals("board-1") && e.kind().startsWith("updater/")) {
                    events.add(e);
                }
            });
            Agent restarted = agent();
            try {
                DeviceEvent e = events.poll(20, TimeUnit.SECONDS);
                assertNotNull(e, "the rollback reached the hub");
                assertEquals("updater/ROLLED_BACK", e.kind());
                assertEquals(Optional.of("ROLLED_BACK"), e.payload().string("event"));
                assertEquals(Optional.of("B"), e.payload().string(UpdaterEvents.SLOT));
                assertEquals(Optional.of("2.0"), e.payload().string(UpdaterEvents.VERSION));
                assertTrue(e.payload().string(UpdaterEvents.DETAIL).orElse("").contains("did not become healthy"),
                        e.payload().metrics().toString());
                awaitEmptyOutbox(restarted);
            } finally {
                restarted.close();
            }
        }
    }

    private Agent agent() {
        DeviceFacts facts = new DeviceFacts("board-1", "test-board", "1", "1.0", "A", "felix", "7");
        AgentSettings settings = AgentSettings.defaults(broker.url(), "board-1", dir.resolve("agent"))
                .withAllowedRequesters(Set.of("hearth-hub")).withTelemetryIntervalSeconds(0);
        Agent agent = new Agent(settings, supervisor, facts, List.of());
        agent.start();
        return agent;
    }

    private static void awaitEmptyOutbox(Agent agent) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((agent.state() != AgentState.CONNECTED || agent.pending() > 0) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        assertEquals(0, agent.pending(), "the outbox drained");
    }

    static InstallListener listener(CompletableFuture<String> outcome) {
        return new InstallListener() {
            @Override
            public void report(dev.hearth.ota.install.InstallerState state, long done, long total) {
            }

            @Override
            public void finished(String o, String detail) {
                outcome.complete(o);
            }
        };
    }
}
