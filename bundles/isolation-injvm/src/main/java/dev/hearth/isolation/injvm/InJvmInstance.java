package dev.hearth.isolation.injvm;

import dev.hearth.isolation.Instance;
import dev.hearth.isolation.InstanceExit;
import dev.hearth.isolation.InstanceUsage;
import dev.hearth.service.ServiceHandler;
import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One in-JVM instance: a {@link ServiceHandler} of its own, served by its own
 * {@link InstanceExecutor}. It is STARTING while its first thread makes the handler, RUNNING once
 * the handler exists, STOPPING from the first {@link #stop} call (or when a handler throws an
 * {@link Error}: its state can no longer be trusted, so the instance dies), and STOPPED once its
 * last thread has ended and the handler is closed.
 */
final class InJvmInstance implements Instance {

    /** Where the instance stands. */
    enum State {
        /** Its handler is being made. */
        STARTING,
        /** Takes requests. */
        RUNNING,
        /** Takes no new requests; those accepted before may finish within the grace period. */
        STOPPING,
        /** Its threads have ended and its handler is closed. */
        STOPPED
    }

    /** How long after the interrupt requests that ignore it are waited for before exit is reported anyway. */
    static final Duration ABANDON_AFTER = Duration.ofSeconds(1);

    static final int LOG_LINES = 64;

    private static final Logger LOG = LoggerFactory.getLogger(InJvmInstance.class);
    private static final byte[] INTERNAL_ERROR = "{\"error\":\"internal error\"}".getBytes(
            java.nio.charset.StandardCharsets.UTF_8);

    private final String service;
    private final String id;
    private volatile ServiceHandler handler;
    private final GraceTimer timer;
    private final InstanceExecutor executor;
    private final LogRing log = new LogRing(LOG_LINES);
    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
    private final AtomicLong cpuNanos = new AtomicLong();
    /** Requests being handled now (the executor's active count also counts the boot task). */
    private final AtomicInteger callsRunning = new AtomicInteger();
    private final CompletableFuture<InstanceExit> exit = new CompletableFuture<>();
    private volatile boolean interrupted;
    /** How the instance will be reported to have ended; set when it dies rather than being stopped. */
    private volatile InstanceExit ending = InstanceExit.stopped();
    private final int threads;

    /** Told once the instance has ended, before {@link #exit()} completes. */
    private final Consumer<InJvmInstance> onEnded;

    InJvmInstance(String service, String id, int threads, GraceTimer timer, Consumer<InJvmInstance> onEnded) {
        this.service = service;
        this.id = id;
        this.threads = threads;
        this.timer = timer;
        this.onEnded = onEnded;
        this.executor = new InstanceExecutor(service + "-" + id + "-", threads, this::finish);
    }

    /**
     * Makes the handler on the instance's first thread. The result completes with this instance
     * once it is RUNNING, or with what {@code failure} makes of the problem (the instance is then
     * stopped).
     */
    CompletableFuture<Instance> boot(Callable<ServiceHandler> create,
                                     Function<IllegalStateException, CompletableFuture<Instance>> failure) {
        CompletableFuture<Instance> ready = new CompletableFuture<>();
        Runnable make = () -> {
            ServiceHandler made;
            try {
                made = create.call();
            } catch (Exception | LinkageError e) {
                abort(ready, failure.apply(new IllegalStateException("failed: " + e, e)));
                return;
            }
            if (made == null) {
                abort(ready, failure.apply(new IllegalStateException("returned no handler")));
                return;
            }
            handler = made;
            if (state.compareAndSet(State.STARTING, State.RUNNING)) {
                log.add("started, at most " + threads + " threads");
                ready.complete(this);
            } else {
                abort(ready, failure.apply(new IllegalStateException("was stopped while starting")));
            }
        };
        try {
            executor.execute(make);
        } catch (RejectedExecutionException e) {
            abort(ready, failure.apply(new IllegalStateException("could not get a thread: " + e, e)));
        }
        return ready;
    }

    private void abort(CompletableFuture<Instance> ready, CompletableFuture<Instance> failed) {
        failed.whenComplete((never, problem) -> ready.completeExceptionally(problem));
        log.add("failed to start");
        stop(Duration.ZERO);
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
            return CompletableFuture.failedFuture(refusal(now, null));
        }
        Call call = new Call(request);
        try {
            executor.execute(call);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(refusal(state.get(), e));
        }
        return call.response;
    }

    @Override
    public InstanceUsage usage() {
        long cpuMillis = ThreadCpuClock.supported() ? (cpuNanos.get() + 500_000) / 1_000_000 : InstanceUsage.UNKNOWN;
        return new InstanceUsage(cpuMillis, InstanceUsage.UNKNOWN);
    }

    @Override
    public CompletionStage<InstanceExit> exit() {
        return exit.minimalCompletionStage();
    }

    @Override
    public void stop(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        State was = state.getAndUpdate(s -> s == State.STOPPED ? s : State.STOPPING);
        if (was == State.STOPPING || was == State.STOPPED) {
            return;
        }
        long graceMillis = Math.max(0, grace.toMillis());
        log.add("stopping, grace " + graceMillis + " ms");
        LOG.debug("injvm instance {} of '{}' is stopping, grace {} ms", id, service, graceMillis);
        executor.shutdown();
        if (executor.isTerminated()) {
            return;
        }
        if (graceMillis == 0) {
            interruptInFlight();
        } else {
            later(this::interruptInFlight, graceMillis);
        }
    }

    @Override
    public List<String> logTail(int maxLines) {
        return log.tail(maxLines);
    }

    @Override
    public String toString() {
        return "injvm instance " + id + " of '" + service + "' (" + state.get() + ")";
    }

    /** The grace period is over: interrupt what still runs and drop what never started. */
    private void interruptInFlight() {
        if (executor.isTerminated()) {
            return;
        }
        interrupted = true;
        int running = callsRunning.get();
        List<Runnable> neverStarted = executor.shutdownNow();
        if (running > 0 || !neverStarted.isEmpty()) {
            log.add("grace period over: interrupted " + running + " requests in flight, dropped "
                    + neverStarted.size() + " that had not started");
        }
        for (Runnable work : neverStarted) {
            if (work instanceof Call call) {
                call.response.completeExceptionally(new IllegalStateException(
                        "injvm driver: instance " + id + " of '" + service
                                + "' stopped before the request was handled"));
            }
        }
        if (!executor.isTerminated()) {
            later(this::abandon, ABANDON_AFTER.toMillis());
        }
    }

    /** Requests ignored the interrupt: report the instance gone; the handler is closed when they end. */
    private void abandon() {
        if (exit.isDone()) {
            return;
        }
        int stuck = callsRunning.get();
        log.add(stuck + " requests ignored the interrupt; exit reported without them");
        LOG.warn("injvm instance {} of '{}': {} requests ignored the interrupt; reporting the instance stopped"
                + " while their threads still run", id, service, stuck);
        onEnded.accept(this);
        exit.complete(new InstanceExit(InstanceExit.Cause.STOPPED,
                stuck + " requests ignored the interrupt and were abandoned"));
    }

    /** The executor has ended (it was shut down and its last thread is gone). */
    private void finish() {
        try {
            ServiceHandler made = handler;
            if (made != null) {
                made.close();
            }
        } catch (Exception e) {
            log.add("handler close failed: " + e);
            LOG.warn("injvm instance {} of '{}': handler close failed: {}", id, service, e.getClass().getName());
        } finally {
            state.set(State.STOPPED);
            log.add("stopped");
            LOG.debug("injvm instance {} of '{}' stopped", id, service);
            onEnded.accept(this);
            exit.complete(ending);
        }
    }

    private void later(Runnable task, long delayMillis) {
        try {
            timer.schedule(task, delayMillis);
        } catch (RejectedExecutionException e) {
            // The driver has closed its timer: nobody is left to wait, so act now.
            task.run();
        }
    }

    private IllegalStateException refusal(State now, Throwable cause) {
        return new IllegalStateException("injvm driver: instance " + id + " of '" + service + "' is " + now
                + " and takes no more requests", cause);
    }

    /** One request on its way through the instance's executor. */
    private final class Call implements Runnable {
        private final ServiceRequest request;
        private final CompletableFuture<ServiceResponse> response = new CompletableFuture<>();

        Call(ServiceRequest request) {
            this.request = request;
        }

        @Override
        public void run() {
            callsRunning.incrementAndGet();
            try {
                handleOnThisThread();
            } finally {
                callsRunning.decrementAndGet();
            }
        }

        private void handleOnThisThread() {
            long cpuBefore = ThreadCpuClock.now();
            ServiceResponse answer = null;
            Throwable failure = null;
            try {
                answer = handler.handle(request);
                if (answer == null) {
                    log.add("handler error: returned no response");
                    LOG.warn("injvm instance {} of '{}': handler returned no response", id, service);
                    answer = internalError();
                }
            } catch (Exception e) {
                if (interrupted) {
                    failure = new IllegalStateException("injvm driver: instance " + id + " of '" + service
                            + "' was interrupted by stop after its grace period", e);
                    log.add("request interrupted by stop: " + e.getClass().getName());
                } else {
                    log.add("handler error: " + e);
                    LOG.warn("injvm instance {} of '{}': handler failed a request with {}", id, service,
                            e.getClass().getName());
                    answer = internalError();
                }
            } catch (Error e) {
                log.add("handler error: " + e + "; the instance dies");
                LOG.warn("injvm instance {} of '{}': handler threw {}; the instance dies", id, service,
                        e.getClass().getName());
                failure = new IllegalStateException("injvm driver: instance " + id + " of '" + service
                        + "' failed a request with " + e.getClass().getName(), e);
                ending = InstanceExit.died("handler threw " + e.getClass().getName());
                stop(Duration.ZERO);
            }
            long cpuAfter = ThreadCpuClock.now();
            if (cpuBefore >= 0 && cpuAfter >= cpuBefore) {
                cpuNanos.addAndGet(cpuAfter - cpuBefore);
            }
            if (failure != null) {
                response.completeExceptionally(failure);
            } else {
                response.complete(answer);
            }
        }
    }

    private static ServiceResponse internalError() {
        return ServiceResponse.of(500, "application/json", INTERNAL_ERROR);
    }
}
