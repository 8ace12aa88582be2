package dev.hearth.rig;

import java.time.Duration;

/**
 * How long the boot strategy waits for each state, counted from the step that leads to it.
 * The defaults fit the virtual board under emulation (see firmware/DESIGN.md's figures).
 */
public record BootTimeouts(Duration bootloader, Duration shell, Duration online) {

    public static final BootTimeouts DEFAULTS = new BootTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(120),
            Duration.ofSeconds(300));

    public BootTimeouts {
        for (Duration d : new Duration[] {bootloader, shell, online}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("boot timeouts must be positive, were " + bootloader + ", " + shell + ", " + online);
            }
        }
    }
}
