package dev.hearth.rig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.agent.Agent;
import dev.hearth.agent.AgentSettings;
import dev.hearth.agent.DeviceFacts;
import dev.hearth.agent.RebootAction;
import dev.hearth.agent.wire.Method;
import dev.hearth.hub.DeviceEvent;
import dev.hearth.hub.Reply;
import dev.hearth.isolation.injvm.InJvmIsolationDriver;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorEventSink;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rig's hub against a real device agent over the embedded Moquette broker on loopback. */
class MqttHubTest {

    @TempDir
    Path dir;
    private Server broker;
    private String url;
    private ElasticSupervisor supervisor;
    private InJvmIsolationDriver driver;
    private Agent agent;

    @BeforeEach
    void broker() throws Exception {
        broker = new Server();
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("data_path", dir.resolve("moquette").toString());
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("netty.epoll", "false");
        broker.startServer(new MemoryConfig(p), List.of());
        url = "tcp://127.0.0.1:" + port;
        supervisor = new ElasticSupervisor(SupervisorSettings.defaults(dir.resolve("state")), SupervisorEventSink.NONE);
        driver = new InJvmIsolationDriver();
        supervisor.addDriver(driver);
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        supervisor.close();
        driver.close();
        broker.stopServer();
    }

    private void startAgent() {
        DeviceFacts facts = new DeviceFacts("board-7", "test", "7", "2.0.0", "B", "felix", "7");
        RebootAction noReboot = new RebootAction() {
            @Override public String name() { return "none"; }
            @Override public void reboot() { }
        };
        AgentSettings settings = AgentSettings.defaults(url, "board-7", dir.resolve("agent"))
                .withAllowedRequesters(Set.of("hearth-hub")).withTelemetryIntervalSeconds(0);
        agent = new Agent(settings, supervisor, facts, Agent.standardApps(supervisor, noReboot, facts));
        agent.start();
    }

    @Test
    void theBirthAfterTheMarkIsAwaitedAndCommandsGetRepliesAllRecorded() throws Exception {
        try (Hub hub = MqttHub.connect(new HubResource(url, "hearth", "hearth-hub"), "board-7", Duration.ofSeconds(10))) {
            int mark = hub.mark();
            startAgent();
            DeviceEvent birth = hub.awaitBirth(mark, Duration.ofSeconds(20));
            assertEquals("2.0.0", birth.payload().string("firmware_version").orElseThrow());
            assertEquals("B", birth.payload().string("hearth.slot").orElseThrow());

            Reply info = hub.call("SYS-V1", Method.GET, "info", Map.of(), new byte[0], Duration.ofSeconds(10));
            assertTrue(info.ok(), info.code() + " " + info.message());

            String traffic = hub.traffic().render();
            assertTrue(traffic.contains("EVENT   BIRTH"), traffic);
            assertTrue(traffic.contains("COMMAND SYS-V1 GET info"), traffic);
            assertTrue(traffic.contains("REPLY   SYS-V1 GET info -> 200"), traffic);
        }
    }

    @Test
    void anEventThatDoesNotComeIsATimeoutNamingTheDevice() throws Exception {
        try (Hub hub = MqttHub.connect(new HubResource(url, "hearth", "hearth-hub"), "board-7", Duration.ofSeconds(10))) {
            HubTimeoutException e = assertThrows(HubTimeoutException.class,
                    () -> hub.awaitBirth(hub.mark(), Duration.ofMillis(300)));
            assertEquals("no BIRTH from 'board-7' within 300 ms", e.getMessage());
        }
    }
}
