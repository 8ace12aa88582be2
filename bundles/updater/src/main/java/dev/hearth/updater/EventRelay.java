package dev.hearth.updater;

import dev.hearth.agent.api.EventPublisher;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the updater's events go in the framework: posted to Event Admin (for local listeners) and
 * handed to the agent's {@link EventPublisher}, which publishes them to the hub on
 * {@code <account>/<client-id>/HEARTH/events/updater/<EVENT>} through its outbox.
 *
 * <p>An event found before either service is there (a rollback is found while the updater is
 * constructed, before Declarative Services binds anything; the agent may start after the updater)
 * is held in memory, at most {@value #HELD} per destination (the oldest go first), and delivered
 * when the service arrives. What is lost: held events when the userland stops before the agent
 * arrives; the update record's last result still says what happened. Thread-safe.
 */
final class EventRelay implements UpdaterEventSink {

    private static final Logger LOG = LoggerFactory.getLogger(EventRelay.class);

    static final int HELD = 64;
    /** Event Admin topics of the updater start with this; the rest is the event's path for the hub. */
    private static final String TOPIC_ROOT = "dev/hearth/";

    private record Held(String topic, Map<String, Object> properties) { }

    private final ArrayDeque<Held> forEventAdmin = new ArrayDeque<>();
    private final ArrayDeque<Held> forPublisher = new ArrayDeque<>();
    private Optional<EventAdmin> eventAdmin = Optional.empty();
    private Optional<EventPublisher> publisher = Optional.empty();

    @Override
    public synchronized void post(String topic, Map<String, Object> properties) {
        Held h = new Held(topic, Map.copyOf(properties));
        hold(forEventAdmin, h);
        hold(forPublisher, h);
        deliver();
    }

    synchronized void eventAdmin(Optional<EventAdmin> ea) {
        eventAdmin = ea;
        deliver();
    }

    synchronized void publisher(Optional<EventPublisher> p) {
        publisher = p;
        deliver();
    }

    /** Events not yet handed to the agent. */
    synchronized int heldForPublisher() {
        return forPublisher.size();
    }

    private static void hold(ArrayDeque<Held> queue, Held h) {
        if (queue.size() == HELD) {
            queue.removeFirst();
        }
        queue.addLast(h);
    }

    private void deliver() {
        if (eventAdmin.isPresent()) {
            while (!forEventAdmin.isEmpty()) {
                Held h = forEventAdmin.removeFirst();
                eventAdmin.get().postEvent(new Event(h.topic(), h.properties()));
            }
        }
        while (publisher.isPresent() && !forPublisher.isEmpty()) {
            Held h = forPublisher.peekFirst();
            try {
                publisher.get().publish(path(h.topic()), metrics(h));
                forPublisher.removeFirst();
            } catch (RuntimeException e) {
                // An agent shutting down: kept for the next one.
                LOG.warn("Updater: event {} kept for the next agent: {}", h.topic(), e.toString());
                return;
            }
        }
    }

    /** {@code dev/hearth/updater/ROLLED_BACK} becomes {@code updater/ROLLED_BACK}. */
    static String path(String topic) {
        return topic.startsWith(TOPIC_ROOT) ? topic.substring(TOPIC_ROOT.length()) : topic;
    }

    private static Map<String, Object> metrics(Held h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", h.topic().substring(h.topic().lastIndexOf('/') + 1));
        m.putAll(h.properties());
        return m;
    }
}
