package dev.hearth.supervisor.elastic;

import dev.hearth.isolation.Instance;
import java.nio.file.Path;
import java.util.concurrent.ScheduledFuture;

/**
 * The supervisor's record of one instance: the driver's {@link Instance} once ready, and the load
 * on it. Mutated only under its service's lock.
 */
final class RunningInstance {

    enum State {
        /** The driver is starting it. */
        STARTING,
        /** Ready; takes requests while in flight is under the target concurrency. */
        READY,
        /** Asked to stop (idle, retired or replaced); takes no new requests. */
        STOPPING,
        /** Ended, failed to start, or gave up on by the activation timeout. */
        ENDED
    }

    final String id;
    final Path runDirectory;
    final long launchedAtNanos;
    State state = State.STARTING;
    Instance instance;
    int inFlight;
    long readyAtNanos;
    long idleSinceNanos;
    ScheduledFuture<?> activationDeadline;

    RunningInstance(String id, Path runDirectory, long launchedAtNanos) {
        this.id = id;
        this.runDirectory = runDirectory;
        this.launchedAtNanos = launchedAtNanos;
    }

    boolean hasCapacity(int targetConcurrency) {
        return state == State.READY && inFlight < targetConcurrency;
    }
}
