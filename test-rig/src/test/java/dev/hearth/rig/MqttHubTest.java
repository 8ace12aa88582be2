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
import dev.hearth.testsupport.Mosquitto;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rig's hub against a real device agent over a Mosquitto broker on loopback. */
class MqttHubTest {

    @TempDir
    Path dir;
    private Mosquitto broker;
    private String url;
    private ElasticSupervisor supervisor;
    private InJvmIsolationDriver driver;
    private Agent agent;

    @BeforeEach
    void broker() throws Exception {
        broker = Mosquitto.anonymous(dir.resolve("mosquitto")).start();
        url = broker.url();
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
        broker.close();
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
