package dev.hearth.ota.userland;

import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link UserlandStore} holds, by version: the set the launcher starts ({@code current}; empty:
 * the distribution's own {@code bundles/}), the set a rollback returns to ({@code previous}; empty:
 * the distribution's), the last set proved healthy ({@code confirmed}) and the set a launcher has
 * started once without it being confirmed ({@code tried}).
 */
public record UserlandState(Optional<String> current, Optional<String> previous, Optional<String> confirmed,
                            Optional<String> tried) {

    public UserlandState {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(confirmed, "confirmed");
        Objects.requireNonNull(tried, "tried");
    }

    /** Whether {@code current} is a set that has not proved healthy yet. */
    public boolean currentUnconfirmed() {
        return current.isPresent() && !current.equals(confirmed);
    }

    /** Whether {@code current} is unconfirmed and was already started once: that start never got confirmed. */
    public boolean currentTriedBefore() {
        return currentUnconfirmed() && current.equals(tried);
    }

    @Override
    public String toString() {
        return "current " + current.orElse("(distribution)") + ", previous " + previous.orElse("(distribution)")
                + ", confirmed " + confirmed.orElse("(none)");
    }
}
