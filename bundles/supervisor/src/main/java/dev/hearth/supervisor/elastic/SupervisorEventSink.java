package dev.hearth.supervisor.elastic;

import java.util.Map;

/**
 * Where the supervisor posts its events ({@link dev.hearth.supervisor.SupervisorEvents}). Called
 * while a service's lock is held: an implementation must not block (Event Admin's
 * {@code postEvent} does not).
 */
@FunctionalInterface
public interface SupervisorEventSink {

    SupervisorEventSink NONE = (topic, properties) -> { };

    void post(String topic, Map<String, Object> properties);
}
