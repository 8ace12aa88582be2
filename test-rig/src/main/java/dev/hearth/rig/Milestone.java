package dev.hearth.rig;

import java.time.Duration;

/**
 * A step of a boot and when it happened, counted from the power on.
 *
 * @param what e.g. "power on", "BOOTLOADER", "SHELL", "ONLINE"
 * @param at   time since the power on
 */
public record Milestone(String what, Duration at) {

    public String render() {
        return String.format("%9.3f %s", at.toMillis() / 1000.0, what);
    }
}
