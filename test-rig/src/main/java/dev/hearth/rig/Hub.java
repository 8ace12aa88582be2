package dev.hearth.rig;

import dev.hearth.agent.wire.Method;
import dev.hearth.hub.CommandTimeoutException;
import dev.hearth.hub.DeviceEvent;
import dev.hearth.hub.Reply;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The home hub as a test sees one device: its lifecycle certificates and telemetry, kept in
 * arrival order, and commands to it with their replies. A {@link #mark()} taken before an action
 * (power on, a reboot command) lets a test wait for what came after it only.
 */
public interface Hub extends AutoCloseable {

    /** The device's MQTT client id. */
    String device();

    /** A position in the device's events: what arrives from now on is after it. */
    int mark();

    /** Waits for a birth certificate (not a retained copy) that arrived after {@code mark}. */
    default DeviceEvent awaitBirth(int mark, Duration timeout) throws HubTimeoutException {
        return awaitEvent("BIRTH", mark, timeout);
    }

    /** Waits for an event of that kind (BIRTH, DC, LWT, METRICS …, as {@link DeviceEvent#kind()}) after {@code mark}. */
    default DeviceEvent awaitEvent(String kind, int mark, Duration timeout) throws HubTimeoutException {
        return awaitEvent(kind, mark, e -> true, timeout);
    }

    /** Waits for the first event of that kind after {@code mark} that satisfies {@code condition}. */
    DeviceEvent awaitEvent(String kind, int mark, Predicate<DeviceEvent> condition, Duration timeout) throws HubTimeoutException;

    /** Sends a command to the device and waits for its reply. */
    Reply call(String appId, Method method, String resource, Map<String, Object> metrics, byte[] body, Duration timeout)
            throws CommandTimeoutException;

    /** Everything sent and received so far, for a report. */
    HubTraffic traffic();

    @Override
    void close();
}
