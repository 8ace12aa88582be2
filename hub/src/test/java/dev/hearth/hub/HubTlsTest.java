package dev.hearth.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.agent.Agent;
import dev.hearth.agent.AgentSettings;
import dev.hearth.agent.AgentState;
import dev.hearth.agent.DeviceFacts;
import dev.hearth.agent.RebootAction;
import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.TlsFiles;
import dev.hearth.isolation.injvm.InJvmIsolationDriver;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorEventSink;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent and the hub over a real Mosquitto that speaks only TLS and requires client
 * certificates: both verify the broker's certificate against their CA file and present their own.
 */
class HubTlsTest {

    private static final String DEVICE = "board-tls";
    private static final String HUB = "hearth-hub";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static TlsMosquitto broker;
    static ElasticSupervisor supervisor;
    static InJvmIsolationDriver driver;

    @BeforeAll
    static void start() throws Exception {
        broker = new TlsMosquitto(dir);
        broker.client(DEVICE);
        broker.client(HUB);
        supervisor = new ElasticSupervisor(SupervisorSettings.defaults(dir.resolve("state")), SupervisorEventSink.NONE);
        driver = new InJvmIsolationDriver();
        supervisor.addDriver(driver);
    }

    @AfterAll
    static void stop() throws Exception {
        supervisor.close();
        driver.close();
        broker.close();
    }

    @Test
    void theHubCommandsTheAgentOverTlsWithClientCertificatesBothWays() throws Exception {
        try (Agent agent = agent(TlsFiles.of(broker.file("ca.pem"), broker.file(DEVICE + ".pem"), broker.file(DEVICE + ".key")))) {
            await(() -> agent.state() == AgentState.CONNECTED, "agent connected over TLS");
            try (HubClient hub = HubClient.connect(HubSettings.of(broker.url(), HUB).withTls(
                    TlsFiles.of(broker.file("ca.pem"), broker.file(HUB + ".pem"), broker.file(HUB + ".key"))), TIMEOUT)) {
                Reply info = hub.call(DEVICE, "SYS-V1", Method.GET, "info", Map.of(), new byte[0], TIMEOUT);
                assertEquals(200, info.code(), info.message());
                assertEquals("3.1.4", info.payload().string("firmware_version").orElseThrow());
                Reply services = hub.call(DEVICE, "SVC-V1", Method.GET, "services", Map.of(), new byte[0], TIMEOUT);
                assertEquals(200, services.code(), services.message());
                assertEquals("[]", services.body());
            }
        }
    }

    @Test
    void aBrokerWhoseCertificateIsNotSignedByTheConfiguredCaIsRefusedWithAClearError() throws Exception {
        BrokerUnreachableException e = assertThrows(BrokerUnreachableException.class, () -> HubClient.connect(
                HubSettings.of(broker.url(), HUB).withTls(TlsFiles.of(broker.file("other-ca.pem"),
                        broker.file(HUB + ".pem"), broker.file(HUB + ".key"))), TIMEOUT));
        assertTrue(e.getMessage().contains("certificate not signed by a trusted CA (check tlsCaFile)"), e.getMessage());

        try (Agent agent = agent(TlsFiles.of(broker.file("other-ca.pem"), broker.file(DEVICE + ".pem"),
                broker.file(DEVICE + ".key")))) {
            await(() -> agent.lastConnectFailure().isPresent(), "the agent's first attempt failed");
            assertEquals(AgentState.WAITING, agent.state());
            assertTrue(agent.lastConnectFailure().orElseThrow().contains("not signed by a trusted CA"),
                    agent.lastConnectFailure().orElseThrow());
        }
    }

    @Test
    void aClientWithoutACertificateIsRefusedByTheBroker() {
        BrokerUnreachableException e = assertThrows(BrokerUnreachableException.class, () -> HubClient.connect(
                HubSettings.of(broker.url(), HUB).withTls(new TlsFiles(Optional.of(broker.file("ca.pem")),
                        Optional.empty(), Optional.empty())), TIMEOUT));
        assertTrue(e.getMessage().contains("refused the TLS handshake (is a valid client certificate configured?)"),
                e.getMessage());
    }

    private static Agent agent(TlsFiles tls) {
        DeviceFacts facts = new DeviceFacts(DEVICE, "test", "1", "3.1.4", "A", "felix", "7");
        RebootAction none = new RebootAction() {
            @Override public String name() { return "none"; }
            @Override public void reboot() { }
        };
        Agent agent = new Agent(AgentSettings.defaults(broker.url(), DEVICE, dir.resolve("agent-" + System.nanoTime()))
                .withAllowedRequesters(Set.of(HUB)).withTelemetryIntervalSeconds(0).withTls(tls),
                supervisor, facts, Agent.standardApps(supervisor, none, facts));
        agent.start();
        return agent;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
