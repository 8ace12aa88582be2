package dev.hearth.supervisor.elastic;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the supervisor runs. Validated on construction.
 *
 * @param stateDirectory         persistent state; service data lives in {@code services/<name>/data} under it
 * @param runDirectory           per-instance scratch (sockets); emptied at start-up, may be a tmpfs
 * @param scaleInTickMillis      how often active services are checked for idle instances
 * @param stopGraceMillis        how long a stopping instance may finish its in-flight requests
 * @param restartBackoffMillis   delay before replacing the first failed instance; doubles per failure
 * @param maxRestartBackoffMillis the longest delay between replacements
 * @param maxConsecutiveFailures failures in a row after which the service is FAILED
 */
public record SupervisorSettings(Path stateDirectory, Path runDirectory, int scaleInTickMillis, int stopGraceMillis,
                                 int restartBackoffMillis, int maxRestartBackoffMillis, int maxConsecutiveFailures) {

    public static final int DEFAULT_SCALE_IN_TICK_MILLIS = 100;
    public static final int DEFAULT_STOP_GRACE_MILLIS = 5_000;
    public static final int DEFAULT_RESTART_BACKOFF_MILLIS = 100;
    public static final int DEFAULT_MAX_RESTART_BACKOFF_MILLIS = 10_000;
    public static final int DEFAULT_MAX_CONSECUTIVE_FAILURES = 5;

    public SupervisorSettings {
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(runDirectory, "runDirectory");
        positive(scaleInTickMillis, "scaleInTickMillis");
        if (stopGraceMillis < 0) {
            throw new IllegalArgumentException("supervisor settings: stopGraceMillis must not be negative, was "
                    + stopGraceMillis);
        }
        positive(restartBackoffMillis, "restartBackoffMillis");
        positive(maxRestartBackoffMillis, "maxRestartBackoffMillis");
        positive(maxConsecutiveFailures, "maxConsecutiveFailures");
    }

    /** Defaults, with the run directory under the state directory. */
    public static SupervisorSettings defaults(Path stateDirectory) {
        return new SupervisorSettings(stateDirectory, stateDirectory.resolve("run"), DEFAULT_SCALE_IN_TICK_MILLIS,
                DEFAULT_STOP_GRACE_MILLIS, DEFAULT_RESTART_BACKOFF_MILLIS, DEFAULT_MAX_RESTART_BACKOFF_MILLIS,
                DEFAULT_MAX_CONSECUTIVE_FAILURES);
    }

    /** The persistent data directory of one service. */
    public Path dataDirectory(String service) {
        return stateDirectory.resolve("services").resolve(service).resolve("data");
    }

    /** The backoff before the {@code failures}-th replacement in a row (1-based). */
    public long restartDelayMillis(int failures) {
        int shift = Math.min(Math.max(failures - 1, 0), 30);
        return Math.min((long) restartBackoffMillis << shift, maxRestartBackoffMillis);
    }

    private static void positive(int value, String field) {
        if (value < 1) {
            throw new IllegalArgumentException("supervisor settings: " + field + " must be at least 1, was " + value);
        }
    }
}
