package dev.hearth.rig;

import dev.hearth.hub.BrokerUnreachableException;
import java.time.Duration;
import java.util.Optional;

/** A board's hub, connected on first use: boards that never go online need no broker. */
final class HubConnection implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final HubResource resource;
    private final String device;
    private Optional<MqttHub> hub = Optional.empty();

    HubConnection(HubResource resource, String device) {
        this.resource = resource;
        this.device = device;
    }

    synchronized Hub get() {
        if (hub.isEmpty()) {
            try {
                hub = Optional.of(MqttHub.connect(resource, device, CONNECT_TIMEOUT));
            } catch (BrokerUnreachableException e) {
                throw new IllegalStateException("rig hub for '" + device + "': " + e.getMessage(), e);
            }
        }
        return hub.get();
    }

    /** The traffic so far; empty when the hub was never used. */
    synchronized Optional<HubTraffic> traffic() {
        return hub.map(MqttHub::traffic);
    }

    @Override
    public synchronized void close() {
        hub.ifPresent(MqttHub::close);
        hub = Optional.empty();
    }
}
