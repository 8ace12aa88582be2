package dev.hearth.isolation;

import java.util.Objects;

/**
 * Whether a driver can run here.
 *
 * @param available true when instances can be started
 * @param reason    why not, for people; empty when available
 */
public record DriverAvailability(boolean available, String reason) {

    private static final DriverAvailability AVAILABLE = new DriverAvailability(true, "");

    public DriverAvailability {
        Objects.requireNonNull(reason, "reason");
        if (!available && reason.isBlank()) {
            throw new IllegalArgumentException("an unavailable driver must say why");
        }
    }

    public static DriverAvailability ready() {
        return AVAILABLE;
    }

    public static DriverAvailability unavailable(String reason) {
        return new DriverAvailability(false, reason);
    }
}
