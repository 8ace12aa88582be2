package dev.hearth.isolation;

import java.util.Objects;

/**
 * How an instance ended.
 *
 * @param cause  why
 * @param detail for people: an exit status, a signal, an exception message; may be empty
 */
public record InstanceExit(Cause cause, String detail) {

    public enum Cause {
        /** It was asked to stop and did. */
        STOPPED,
        /** It ended without being asked: crashed, exited, or was killed by a limit. */
        DIED
    }

    public InstanceExit {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(detail, "detail");
    }

    public static InstanceExit stopped() {
        return new InstanceExit(Cause.STOPPED, "");
    }

    public static InstanceExit died(String detail) {
        return new InstanceExit(Cause.DIED, detail);
    }
}
