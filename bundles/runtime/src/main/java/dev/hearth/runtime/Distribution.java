package dev.hearth.runtime;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The layout of an installed Hearth distribution: the tree the build assembles and the firmware
 * installs on the board. Does no I/O.
 *
 * @param home the distribution's root folder, holding {@code bin/}, {@code lib/}, {@code bundles/}
 *             and {@code etc/}
 */
public record Distribution(Path home) {

    public Distribution {
        Objects.requireNonNull(home, "home");
        home = home.toAbsolutePath().normalize();
    }

    /** The launcher class path: this runtime, Felix, the logging back end, the MQTT broker. */
    public Path lib() {
        return home.resolve("lib");
    }

    /** The OSGi bundles, every one of them installed and started. */
    public Path bundles() {
        return home.resolve("bundles");
    }

    /** Configuration files: {@code <pid>.cfg}, {@code <factoryPid>~<name>.cfg}, {@code logback.xml}. */
    public Path etc() {
        return home.resolve("etc");
    }

    /** The configuration overlay added in demo mode: the sample services. */
    public Path demoEtc() {
        return etc().resolve("demo");
    }

    /** The logging configuration. */
    public Path logbackConfiguration() {
        return etc().resolve("logback.xml");
    }

    /** Where the state lives when nothing else is said: {@code var/} under the distribution. */
    public Path defaultState() {
        return home.resolve("var");
    }
}
