package dev.hearth.updater;

import java.util.Optional;

/** One thing the health check waits for after a boot into a slot being tried. */
public interface HealthCondition {

    /** For status and logs, such as {@code service (objectClass=…Supervisor)}. */
    String name();

    /** Empty when met; otherwise why not, in words. Must not block. */
    Optional<String> unmet();
}
