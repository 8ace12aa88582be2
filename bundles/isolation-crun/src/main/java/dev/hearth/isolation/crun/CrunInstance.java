package dev.hearth.isolation.crun;

import dev.hearth.isolation.Instance;
import dev.hearth.isolation.InstanceExit;
import dev.hearth.isolation.InstanceUsage;
import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One running container seen as an instance. Requests are HTTP/1.1 exchanges over its socket, each
 * on a thread of the driver's request pool. {@link #stop} sends SIGTERM, then SIGKILL after the
 * grace period; when its processes are gone the container is deleted and {@link #exit()} completes:
 * STOPPED when it was asked to stop, DIED otherwise (with the OOM killer named when it struck).
 */
final class CrunInstance implements Instance {

    /** Where the instance stands. */
    enum State {
        RUNNING,
        STOPPING,
        ENDED
    }

    private final String id;
    private final String service;
    private final long memoryLimitBytes;
    private final Sandbox sandbox;
    private final Executor requests;
    private final Executor commands;
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CompletableFuture<InstanceExit> exit = new CompletableFuture<>();
    private final CompletableFuture<Void> firstExchange = new CompletableFuture<>();

    CrunInstance(String id, String service, long memoryLimitBytes, Sandbox sandbox, Executor requests,
                 Executor commands) {
        this.id = id;
        this.service = service;
        this.memoryLimitBytes = memoryLimitBytes;
        this.sandbox = sandbox;
        this.requests = requests;
        this.commands = commands;
        sandbox.ended().whenCompleteAsync((nothing, never) -> end(), commands);
    }

    @Override
    public String id() {
        return id;
    }

    State state() {
        return state.get();
    }

    @Override
    public CompletionStage<ServiceResponse> handle(ServiceRequest request) {
        Objects.requireNonNull(request, "request");
        State now = state.get();
        if (now != State.RUNNING) {
            return CompletableFuture.failedFuture(new IllegalStateException("crun instance " + id + " of '"
                    + service + "' is " + now));
        }
        CompletableFuture<ServiceResponse> response = new CompletableFuture<>();
        inFlight.incrementAndGet();
        requests.execute(() -> {
            try {
                response.complete(UnixSocketExchange.exchange(sandbox.socket(), service, request));
            } catch (IOException | RuntimeException e) {
                response.completeExceptionally(new IllegalStateException("crun instance " + id + " of '" + service
                        + "' gave no answer: " + e.getMessage(), e));
            } finally {
                inFlight.decrementAndGet();
                firstExchange.complete(null);
            }
        });
        return response;
    }

    /** Completes when the first request's exchange has ended, answered or not. */
    CompletableFuture<Void> firstExchange() {
        return firstExchange;
    }

    @Override
    public InstanceUsage usage() {
        return sandbox.usage();
    }

    @Override
    public CompletionStage<InstanceExit> exit() {
        return exit.minimalCompletionStage();
    }

    @Override
    public void stop(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (!state.compareAndSet(State.RUNNING, State.STOPPING)) {
            return;
        }
        long graceMillis = Math.max(0, grace.toMillis());
        sandbox.note("stopping, grace " + graceMillis + " ms");
        commands.execute(() -> {
            if (graceMillis > 0) {
                sandbox.signal("TERM");
                // A copy: timing out the wait must not look like the container ending.
                sandbox.ended().copy().completeOnTimeout(null, graceMillis, TimeUnit.MILLISECONDS).join();
            }
            if (!sandbox.ended().isDone() || graceMillis == 0) {
                sandbox.signal("KILL");
            }
        });
    }

    @Override
    public List<String> logTail(int maxLines) {
        return sandbox.logTail(maxLines);
    }

    private void end() {
        State was = state.getAndSet(State.ENDED);
        String problem = sandbox.delete();
        if (was == State.STOPPING) {
            exit.complete(problem.isEmpty() ? InstanceExit.stopped()
                    : new InstanceExit(InstanceExit.Cause.STOPPED, problem));
            return;
        }
        String detail = sandbox.oomKills() > 0
                ? "killed by the OOM killer at its memory limit of " + memoryLimitBytes + " bytes"
                : "the container exited";
        List<String> last = sandbox.logTail(3);
        if (!last.isEmpty()) {
            detail += "; last output: " + String.join(" | ", last);
        }
        exit.complete(InstanceExit.died(detail));
    }
}
