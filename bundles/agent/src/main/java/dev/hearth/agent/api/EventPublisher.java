package dev.hearth.agent.api;

import java.util.Map;

/**
 * Publishes an event of this device to the hub, on Kura's data topic
 * {@code <account>/<client-id>/HEARTH/events/<path>} at QoS 1. The agent registers itself as this
 * OSGi service. An event is stored in the agent's outbox (forced to the disk, never dropped) until
 * the broker has it, so an event published before the agent is connected, or while the broker is
 * away, is sent after the next connection, also after a restart of the userland. Thread-safe.
 */
@FunctionalInterface
public interface EventPublisher {

    /**
     * @param path    the event's topic below {@code events}, one or more levels, such as
     *                {@code updater/ROLLED_BACK}
     * @param metrics the event's metrics (KuraMetric value types)
     * @throws IllegalArgumentException when a level of {@code path} is empty or holds '+' or '#'
     */
    void publish(String path, Map<String, Object> metrics);
}
