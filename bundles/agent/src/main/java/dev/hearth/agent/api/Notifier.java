package dev.hearth.agent.api;

import java.util.Map;

/**
 * Progress of a long job, sent to the requester that started it, on Kura's
 * {@code $EDC/<account>/<requester>/<app-id>/NOTIFY/<client-id>/<type>}. Notifications are kept in
 * the outbox while the broker is away, like telemetry (when it is full the oldest go first).
 * Thread-safe: call it from the job's own thread.
 */
@FunctionalInterface
public interface Notifier {

    /**
     * @param type    the last topic level, such as {@code download}
     * @param metrics the notification's metrics (KuraMetric value types)
     */
    void notify(String type, Map<String, Object> metrics);
}
