package dev.hearth.updater;

import java.util.Map;

/** Where the updater's events go: Event Admin in the framework, a list in tests. */
@FunctionalInterface
public interface UpdaterEventSink {

    UpdaterEventSink NONE = (topic, properties) -> { };

    /** Posts asynchronously; must not throw. Topics are in {@link UpdaterEvents}. */
    void post(String topic, Map<String, Object> properties);
}
