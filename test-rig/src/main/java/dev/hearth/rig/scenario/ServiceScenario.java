package dev.hearth.rig.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.agent.wire.Payload;
import dev.hearth.hub.DeviceEvent;
import dev.hearth.rig.Board;
import dev.hearth.rig.BootStrategy;
import dev.hearth.rig.Hub;
import dev.hearth.rig.HubTimeoutException;
import dev.hearth.rig.RigExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 2: a service deployed over MQTT is booted by a request through the gateway, scales back
 * to zero when idle, and its metering arrives as telemetry.
 */
@DisplayName("2. Deploy, request, scale to zero, metering")
public class ServiceScenario {

    static final Lab LAB = Lab.shared();
    @RegisterExtension
    static final RigExtension RIG = LAB.rigExtension();
    @RegisterExtension
    final Timeline timeline = new Timeline();

    private static final String SERVICE = "journal";
    private static final int IDLE_MILLIS = 5_000;

    @Test
    void aDeployedServiceBootsOnARequestScalesToZeroAndIsMetered(Board board, BootStrategy strategy, Hub hub) throws Exception {
        Bringup.flashAndBoot(LAB, board, strategy, hub, timeline);
        Device device = new Device(hub, LAB.gateway());

        device.deploy(SERVICE, Map.of("driver", "injvm", "image", "notes", "idleTimeoutMillis", IDLE_MILLIS,
                "maxInstances", 2, "activationTimeoutMillis", 60_000));
        timeline.step("deployed '" + SERVICE + "' over SVC-V1 (in-JVM notes handler, idle after " + IDLE_MILLIS + " ms)");
        DeviceEvent idle = awaitMetrics(hub, hub.mark(), m -> m.whole("svc." + SERVICE + ".instances").orElse(-1L) == 0,
                "the deployed service registered at zero instances");
        assertEquals("IDLE", idle.payload().string("svc." + SERVICE + ".state").orElse("?"));

        // The gateway starts listening a moment after the agent's birth certificate; until then QEMU's
        // port forward takes the connection and closes it with no reply. Its own 404 for a request
        // naming no service says it is up, without booting anything.
        device.awaitGateway("/", 404, Duration.ofMinutes(2));
        timeline.step("the gateway answers (404 for a request naming no service)");
        int mark = hub.mark();
        HttpResponse<String> created = device.request("POST", "/" + SERVICE + "/", "{\"title\":\"rig\",\"body\":\"booted on demand\"}");
        assertEquals(201, created.statusCode(), "a request through the gateway boots the service: " + created.body());
        String id = Device.JSON.readTree(created.body()).path("id").asText();
        timeline.step("POST /" + SERVICE + "/ -> 201 (note " + id + ")");
        HttpResponse<String> read = device.request("GET", "/" + SERVICE + "/" + id, "");
        assertEquals(200, read.statusCode(), read.body());
        assertTrue(read.body().contains("booted on demand"), read.body());
        timeline.step("GET /" + SERVICE + "/" + id + " -> 200");

        DeviceEvent metered = awaitMetrics(hub, mark, m -> m.whole("svc." + SERVICE + ".instances").orElse(-1L) == 0
                        && m.whole("svc." + SERVICE + ".requests").orElse(0L) >= 2,
                "telemetry with the service back at zero instances after its two requests");
        long coldStarts = metered.payload().whole("svc." + SERVICE + ".cold_starts").orElse(0L);
        long activeMs = metered.payload().whole("svc." + SERVICE + ".active_ms").orElse(0L);
        timeline.step("telemetry: scaled to zero; " + coldStarts + " cold start(s), " + activeMs + " ms metered");
        assertTrue(coldStarts >= 1, "the request booted an instance: " + metered.payload().metrics());
        assertTrue(activeMs > 0, "the instance's time is metered: " + metered.payload().metrics());
    }

    /** Waits for telemetry after {@code mark} whose metrics satisfy {@code condition}. */
    static DeviceEvent awaitMetrics(Hub hub, int mark, Predicate<Payload> condition, String what) throws HubTimeoutException {
        return hub.awaitEvent("METRICS", mark, e -> condition.test(e.payload()), Duration.ofMinutes(3));
    }
}
