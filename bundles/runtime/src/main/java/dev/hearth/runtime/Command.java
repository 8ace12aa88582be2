package dev.hearth.runtime;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/** What the launcher was asked to do: parsed once from the command line by {@link CommandLine}. */
public sealed interface Command {

    /** Start the userland ({@code run} or {@code demo}) and keep it running until stopped. */
    record Start(Mode mode, StartOptions options) implements Command {
        public Start {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(options, "options");
        }
    }

    /** Print the services of a running userland as a table, read from its admin endpoint. */
    record Status(URI admin, Duration timeout) implements Command {
        public Status {
            Objects.requireNonNull(admin, "admin");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /** Check the distribution (every bundle jar, every configuration file) without starting it. */
    record Check(Distribution distribution) implements Command {
        public Check {
            Objects.requireNonNull(distribution, "distribution");
        }
    }

    /** Print the usage. */
    record Help() implements Command {
    }
}
