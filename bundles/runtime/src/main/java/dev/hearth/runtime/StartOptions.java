package dev.hearth.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How to start the userland, from the command line. Does no I/O.
 *
 * @param distribution  the installed distribution
 * @param state         the state directory; empty: {@code stateDirectory} of {@code etc/}, else
 *                      {@code var/} under the distribution
 * @param etcOverlays   extra configuration directories, loaded after {@code etc/} (and
 *                      {@code etc/demo/}) in this order
 * @param gatewayPort   overrides {@code port} of {@code dev.hearth.gateway}
 * @param adminPort     overrides {@code port} of {@code dev.hearth.admin}
 * @param brokerPort    the embedded MQTT broker's port (demo only); empty: 1883
 * @param startTimeout  how long the framework may take until the core services are up
 * @param logLevel      overrides the root log level of {@code etc/logback.xml}
 * @param userland      a userland store ({@code dev.hearth.ota.userland.UserlandStore}): its
 *                      {@code current} set replaces {@code bundles/}; empty: always {@code bundles/}
 */
public record StartOptions(Distribution distribution, Optional<Path> state, List<Path> etcOverlays,
                           OptionalInt gatewayPort, OptionalInt adminPort, OptionalInt brokerPort,
                           Duration startTimeout, Optional<String> logLevel, Optional<Path> userland) {

    /** The start timeout when none is given: generous, for a cold JVM on a small board. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

    public StartOptions {
        Objects.requireNonNull(distribution, "distribution");
        Objects.requireNonNull(state, "state");
        etcOverlays = List.copyOf(etcOverlays);
        Objects.requireNonNull(gatewayPort, "gatewayPort");
        Objects.requireNonNull(adminPort, "adminPort");
        Objects.requireNonNull(brokerPort, "brokerPort");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(userland, "userland");
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("start timeout must be positive, was " + startTimeout);
        }
    }
}
