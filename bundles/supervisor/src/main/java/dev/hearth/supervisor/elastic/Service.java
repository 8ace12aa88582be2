package dev.hearth.supervisor.elastic;

import dev.hearth.isolation.DriverAvailability;
import dev.hearth.isolation.Instance;
import dev.hearth.isolation.InstanceContext;
import dev.hearth.isolation.InstanceExit;
import dev.hearth.isolation.InstanceUsage;
import dev.hearth.isolation.IsolationDriver;
import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.DispatchRejectedException;
import dev.hearth.supervisor.DispatchRejectedException.Reason;
import dev.hearth.supervisor.ServiceSpec;
import dev.hearth.supervisor.ServiceState;
import dev.hearth.supervisor.ServiceStatus;
import dev.hearth.supervisor.SupervisorEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One registered service and its state machine: activation on demand, scale-out, scale-in,
 * replacement of failed instances, metering.
 *
 * <p>Every field is guarded by {@code this}. Driver calls ({@code start}, {@code handle},
 * {@code stop}) are made outside the lock. While idle a service holds only its spec: the fleet
 * exists while instances or waiting requests do, the stats from the first activity on.
 *
 * <p>Transitions: IDLE -> ACTIVATING (first instance starting) -> ACTIVE (an instance is ready)
 * -> IDLE (the last instance stopped). Too many failures in a row from any state -> FAILED,
 * which only {@link #reset} leaves.
 */
final class Service {

    private ServiceSpec spec;
    private ServiceState state = ServiceState.IDLE;
    private boolean removed;
    private Fleet fleet;
    private ServiceStats stats;

    Service(ServiceSpec spec) {
        this.spec = spec;
    }

    synchronized ServiceSpec spec() {
        return spec;
    }

    // ---------------------------------------------------------------- requests

    CompletionStage<ServiceResponse> dispatch(ElasticSupervisor sup, ServiceRequest request) {
        RunningInstance target;
        PendingRequest pending;
        List<Runnable> launches;
        synchronized (this) {
            DispatchRejectedException refusal = refusal(sup);
            if (refusal != null) {
                stats().rejected++;
                return CompletableFuture.failedFuture(refusal);
            }
            Fleet f = fleet(sup);
            target = f.pickReady(spec.targetConcurrency());
            if (target != null) {
                target.inFlight++;
                f.inFlight++;
                pending = null;
                launches = List.of();
            } else {
                if (f.queue.size() >= spec.queueBound()) {
                    stats().rejected++;
                    return CompletableFuture.failedFuture(new DispatchRejectedException(Reason.QUEUE_FULL,
                            spec.name(), "service '" + spec.name() + "' has " + f.queue.size()
                            + " requests waiting, its queue bound"));
                }
                pending = new PendingRequest(request, System.nanoTime());
                f.queue.addLast(pending);
                PendingRequest p = pending;
                pending.deadline = sup.schedule(() -> expire(p), spec.activationTimeoutMillis());
                launches = planScaleOut(sup, true);
            }
        }
        if (target != null) {
            return send(sup, target, request);
        }
        launches.forEach(Runnable::run);
        return pending.response;
    }

    /** Why a request cannot be taken now, or null when it can. Under the lock. */
    private DispatchRejectedException refusal(ElasticSupervisor sup) {
        String name = spec.name();
        if (removed) {
            return new DispatchRejectedException(Reason.UNKNOWN_SERVICE, name, "no service named '" + name + "'");
        }
        if (state == ServiceState.FAILED) {
            return new DispatchRejectedException(Reason.SERVICE_UNAVAILABLE, name, "service '" + name
                    + "' is FAILED after " + stats().consecutiveFailures + " failures in a row (last: "
                    + stats().lastError + "); reset it to try again");
        }
        String unavailable = driverProblem(sup);
        if (unavailable != null) {
            return new DispatchRejectedException(Reason.SERVICE_UNAVAILABLE, name,
                    "service '" + name + "' cannot run: " + unavailable);
        }
        return null;
    }

    /** Why the spec's driver cannot start instances, or null. */
    private String driverProblem(ElasticSupervisor sup) {
        IsolationDriver driver = sup.driver(spec.driver());
        if (driver == null) {
            return "no isolation driver of type '" + spec.driver() + "' is installed";
        }
        DriverAvailability availability = driver.availability();
        return availability.available() ? null
                : "the '" + spec.driver() + "' isolation driver is unavailable: " + availability.reason();
    }

    /**
     * Hands a request to an instance that already counts it in flight. Outside the lock. The
     * result fails with a {@link DispatchRejectedException}, never a wrapper.
     */
    private CompletableFuture<ServiceResponse> send(ElasticSupervisor sup, RunningInstance ri,
                                                    ServiceRequest request) {
        CompletionStage<ServiceResponse> answer;
        try {
            answer = ri.instance.handle(request);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<ServiceResponse> result = new CompletableFuture<>();
        answer.whenComplete((response, error) -> {
            finished(sup, ri, error == null);
            if (error != null) {
                result.completeExceptionally(new DispatchRejectedException(Reason.INSTANCE_ERROR, spec().name(),
                        "instance " + ri.id + " gave no answer: " + describe(error), error));
            } else {
                result.complete(response);
            }
        });
        return result;
    }

    /** A request on {@code ri} ended. Frees its slot and gives it to a waiting request. */
    private void finished(ElasticSupervisor sup, RunningInstance ri, boolean answered) {
        List<Runnable> next;
        synchronized (this) {
            ri.inFlight--;
            if (ri.state == RunningInstance.State.READY && fleet != null) {
                fleet.inFlight--;
            }
            if (ri.inFlight == 0) {
                ri.idleSinceNanos = System.nanoTime();
            }
            ServiceStats s = stats();
            if (answered) {
                s.requests++;
                s.consecutiveFailures = 0;
            } else {
                s.rejected++;
            }
            next = drainQueue(sup);
        }
        next.forEach(Runnable::run);
    }

    /** A waiting request ran out of time. */
    private void expire(PendingRequest p) {
        int waitedMillis;
        String name;
        synchronized (this) {
            if (fleet == null || !fleet.queue.remove(p)) {
                return;
            }
            stats().rejected++;
            waitedMillis = spec.activationTimeoutMillis();
            name = spec.name();
        }
        p.response.completeExceptionally(new DispatchRejectedException(Reason.ACTIVATION_TIMEOUT, name,
                "no instance of '" + name + "' could take the request within " + waitedMillis + " ms"));
    }

    /**
     * Pairs waiting requests with free instances. Under the lock; returns the sends to run after
     * it is released.
     */
    private List<Runnable> drainQueue(ElasticSupervisor sup) {
        if (fleet == null || fleet.queue.isEmpty()) {
            return List.of();
        }
        List<Runnable> sends = new ArrayList<>();
        while (!fleet.queue.isEmpty()) {
            RunningInstance ri = fleet.pickReady(spec.targetConcurrency());
            if (ri == null) {
                break;
            }
            PendingRequest p = fleet.queue.pollFirst();
            p.cancelDeadline();
            ri.inFlight++;
            fleet.inFlight++;
            sends.add(() -> send(sup, ri, p.request).whenComplete((response, error) -> {
                if (error != null) {
                    p.response.completeExceptionally(error);
                } else {
                    p.response.complete(response);
                }
            }));
        }
        return sends;
    }

    // ---------------------------------------------------------------- scaling

    /**
     * Starts as many instances as demand (and the minimum) call for. Under the lock; returns the
     * driver calls to run after it is released.
     */
    private List<Runnable> planScaleOut(ElasticSupervisor sup, boolean demanded) {
        Fleet f = fleet(sup);
        if (f.restartPending || state == ServiceState.FAILED || removed) {
            return List.of();
        }
        int wanted = Autoscaler.desiredInstances(spec, f.inFlight + f.queue.size());
        return launch(sup, wanted - f.ready - f.starting, demanded);
    }

    private List<Runnable> launch(ElasticSupervisor sup, int count, boolean demanded) {
        if (count <= 0) {
            return List.of();
        }
        IsolationDriver driver = sup.driver(spec.driver());
        if (driver == null || !driver.availability().available()) {
            return List.of();
        }
        Fleet f = fleet(sup);
        List<Runnable> launches = new ArrayList<>(count);
        ServiceSpec launchedSpec = spec;
        for (int i = 0; i < count; i++) {
            String id = sup.nextInstanceId(spec.name());
            RunningInstance ri = new RunningInstance(id, sup.settings().runDirectory().resolve(id), System.nanoTime());
            f.instances.add(ri);
            f.starting++;
            if (demanded) {
                stats().coldStarts++;
            }
            ri.activationDeadline = sup.schedule(() -> activationTimedOut(sup, ri), spec.activationTimeoutMillis());
            launches.add(() -> start(sup, driver, launchedSpec, ri));
        }
        if (state == ServiceState.IDLE) {
            changeState(sup, ServiceState.ACTIVATING, "demand");
        }
        return launches;
    }

    /** Asks the driver for an instance. Outside the lock. */
    private void start(ElasticSupervisor sup, IsolationDriver driver, ServiceSpec launchedSpec, RunningInstance ri) {
        CompletionStage<Instance> started;
        try {
            sup.prepareDataDirectory(launchedSpec.name());
            started = driver.start(new InstanceContext(launchedSpec, ri.id,
                    sup.settings().dataDirectory(launchedSpec.name()), ri.runDirectory));
        } catch (Exception e) {
            started = CompletableFuture.failedFuture(e);
        }
        started.whenComplete((instance, error) -> {
            if (error != null) {
                startFailed(sup, ri, error);
            } else {
                ready(sup, ri, instance);
            }
        });
    }

    private void ready(ElasticSupervisor sup, RunningInstance ri, Instance instance) {
        List<Runnable> next;
        boolean givenUp;
        synchronized (this) {
            ri.activationDeadline.cancel(false);
            // Retired (STOPPING) or given up by the activation deadline (ENDED) while starting.
            givenUp = ri.state != RunningInstance.State.STARTING;
            if (givenUp) {
                ri.state = RunningInstance.State.STOPPING;
                next = List.of();
            } else {
                long now = System.nanoTime();
                ri.instance = instance;
                ri.state = RunningInstance.State.READY;
                ri.readyAtNanos = now;
                ri.idleSinceNanos = now;
                fleet.starting--;
                fleet.ready++;
                sup.post(SupervisorEvents.INSTANCE_STARTED, Map.of(SupervisorEvents.SERVICE, spec.name(),
                        SupervisorEvents.INSTANCE, ri.id, SupervisorEvents.INSTANCES, fleet.size(),
                        SupervisorEvents.ACTIVATION_MILLIS, (now - ri.launchedAtNanos) / 1_000_000));
                if (state != ServiceState.ACTIVE) {
                    changeState(sup, ServiceState.ACTIVE, "instance " + ri.id + " ready");
                }
                next = drainQueue(sup);
            }
        }
        instance.exit().whenComplete((exit, error) -> ended(sup, ri, instance,
                exit != null ? exit : InstanceExit.died(describe(error))));
        if (givenUp) {
            instance.stop(sup.stopGrace());
        }
        next.forEach(Runnable::run);
    }

    private void startFailed(ElasticSupervisor sup, RunningInstance ri, Throwable error) {
        List<Runnable> next;
        synchronized (this) {
            ri.activationDeadline.cancel(false);
            if (ri.state == RunningInstance.State.ENDED) {
                return;
            }
            boolean retired = ri.state == RunningInstance.State.STOPPING;
            if (fleet != null) {
                fleet.remove(ri);
            }
            ri.state = RunningInstance.State.ENDED;
            if (retired) {
                settleIfEmpty(sup);
                next = List.of();
            } else {
                next = failed(sup, "instance " + ri.id + " failed to start: " + describe(error));
            }
        }
        sup.deleteRunDirectory(ri.runDirectory);
        next.forEach(Runnable::run);
    }

    private void activationTimedOut(ElasticSupervisor sup, RunningInstance ri) {
        List<Runnable> next;
        synchronized (this) {
            if (ri.state != RunningInstance.State.STARTING) {
                return;
            }
            if (fleet != null) {
                fleet.remove(ri);
            }
            ri.state = RunningInstance.State.ENDED;
            next = failed(sup, "instance " + ri.id + " did not become ready within "
                    + spec.activationTimeoutMillis() + " ms");
        }
        next.forEach(Runnable::run);
    }

    /** An instance that was ready has ended, asked to or not. */
    private void ended(ElasticSupervisor sup, RunningInstance ri, Instance instance, InstanceExit exit) {
        List<Runnable> next = List.of();
        synchronized (this) {
            if (ri.state == RunningInstance.State.ENDED) {
                return;
            }
            boolean unexpected = ri.state == RunningInstance.State.READY;
            if (fleet != null) {
                fleet.remove(ri);
            }
            ri.state = RunningInstance.State.ENDED;
            long activeNanos = ri.readyAtNanos == 0 ? 0 : System.nanoTime() - ri.readyAtNanos;
            InstanceUsage usage = usage(instance);
            stats().recordEnded(activeNanos, usage);
            int remaining = fleet == null ? 0 : fleet.size();
            sup.post(SupervisorEvents.INSTANCE_STOPPED, Map.of(SupervisorEvents.SERVICE, spec.name(),
                    SupervisorEvents.INSTANCE, ri.id, SupervisorEvents.INSTANCES, remaining,
                    SupervisorEvents.CAUSE, unexpected ? InstanceExit.Cause.DIED.name() : exit.cause().name(),
                    SupervisorEvents.REASON, exit.detail(),
                    SupervisorEvents.ACTIVE_MILLIS, activeNanos / 1_000_000,
                    SupervisorEvents.CPU_MILLIS, Math.max(usage.cpuMillis(), 0)));
            if (unexpected) {
                next = failed(sup, "instance " + ri.id + " died"
                        + (exit.detail().isEmpty() ? "" : ": " + exit.detail()));
            } else {
                settleIfEmpty(sup);
            }
        }
        sup.deleteRunDirectory(ri.runDirectory);
        next.forEach(Runnable::run);
    }

    /**
     * Counts a failure; gives up (FAILED) after too many in a row, otherwise schedules a
     * replacement with back-off when one is needed. Under the lock.
     */
    private List<Runnable> failed(ElasticSupervisor sup, String error) {
        ServiceStats s = stats();
        s.recordFailure(error);
        if (s.consecutiveFailures >= sup.settings().maxConsecutiveFailures()) {
            List<PendingRequest> refused = new ArrayList<>();
            List<Instance> stopping = new ArrayList<>();
            if (fleet != null) {
                refused.addAll(fleet.queue);
                fleet.queue.clear();
                for (RunningInstance ri : List.copyOf(fleet.instances)) {
                    retire(ri, stopping);
                }
            }
            s.rejected += refused.size();
            changeState(sup, ServiceState.FAILED, error);
            settleIfEmpty(sup);
            String name = spec.name();
            String message = "service '" + name + "' is FAILED after " + s.consecutiveFailures
                    + " failures in a row (last: " + error + ")";
            return List.of(() -> {
                stopping.forEach(i -> i.stop(sup.stopGrace()));
                refused.forEach(p -> {
                    p.cancelDeadline();
                    p.response.completeExceptionally(
                            new DispatchRejectedException(Reason.SERVICE_UNAVAILABLE, name, message));
                });
            });
        }
        if (fleet != null && !fleet.restartPending && needsMoreInstances()) {
            fleet.restartPending = true;
            sup.schedule(() -> replace(sup), sup.settings().restartDelayMillis(s.consecutiveFailures));
        }
        settleIfEmpty(sup);
        return List.of();
    }

    private boolean needsMoreInstances() {
        return Autoscaler.desiredInstances(spec, fleet.inFlight + fleet.queue.size()) > fleet.ready + fleet.starting;
    }

    /** Runs when a replacement's back-off is over. */
    private void replace(ElasticSupervisor sup) {
        List<Runnable> launches;
        synchronized (this) {
            if (fleet == null) {
                return;
            }
            fleet.restartPending = false;
            launches = planScaleOut(sup, !fleet.queue.isEmpty());
            settleIfEmpty(sup);
        }
        launches.forEach(Runnable::run);
    }

    /**
     * Stops instances idle past the idle timeout, down to the minimum. Called by the supervisor's
     * tick for active services only. Returns false once the service has gone idle.
     */
    boolean scaleIn(ElasticSupervisor sup, long nowNanos) {
        List<Instance> stopping = new ArrayList<>();
        boolean active;
        synchronized (this) {
            if (fleet == null) {
                return false;
            }
            int surplus = fleet.ready - spec.minInstances();
            for (RunningInstance ri : List.copyOf(fleet.instances)) {
                if (surplus <= 0) {
                    break;
                }
                if (ri.state == RunningInstance.State.READY && ri.inFlight == 0
                        && Autoscaler.idleExpired(spec, ri.idleSinceNanos, nowNanos)) {
                    retire(ri, stopping);
                    surplus--;
                }
            }
            settleIfEmpty(sup);
            active = fleet != null;
        }
        stopping.forEach(i -> i.stop(sup.stopGrace()));
        return active;
    }

    /** Takes an instance out of service; the caller stops it after releasing the lock. */
    private void retire(RunningInstance ri, List<Instance> stopping) {
        fleet.remove(ri);
        fleet.retiring.add(ri);
        if (ri.state == RunningInstance.State.READY) {
            ri.state = RunningInstance.State.STOPPING;
            stopping.add(ri.instance);
        } else if (ri.state == RunningInstance.State.STARTING) {
            // ready() sees it is no longer listed and stops it when the driver is done.
            ri.activationDeadline.cancel(false);
            ri.state = RunningInstance.State.STOPPING;
        }
    }

    /** Drops the fleet when nothing runs or waits: the service goes back to costing bytes. */
    private void settleIfEmpty(ElasticSupervisor sup) {
        if (fleet != null && fleet.isEmpty()) {
            fleet = null;
            sup.markIdle(this);
            if (state == ServiceState.ACTIVE || state == ServiceState.ACTIVATING) {
                changeState(sup, ServiceState.IDLE, "no instances");
            }
        }
    }

    // ---------------------------------------------------------------- operator actions

    void scale(ElasticSupervisor sup, int count) {
        List<Runnable> launches;
        synchronized (this) {
            requireRegistered();
            if (state == ServiceState.FAILED) {
                throw new IllegalStateException("service '" + spec.name() + "' is FAILED: reset it before scaling");
            }
            Fleet f = fleet(sup);
            int wanted = Math.min(count, spec.maxInstances());
            launches = launch(sup, wanted - f.ready - f.starting, false);
            settleIfEmpty(sup);
        }
        launches.forEach(Runnable::run);
    }

    /**
     * Stops every instance and refuses the waiting requests. The result completes when the
     * stopped instances have ended.
     */
    CompletableFuture<Void> stopAll(ElasticSupervisor sup, Reason reason, String why) {
        List<Instance> stopping = new ArrayList<>();
        List<PendingRequest> refused = new ArrayList<>();
        String name;
        synchronized (this) {
            name = spec.name();
            if (fleet != null) {
                refused.addAll(fleet.queue);
                fleet.queue.clear();
                fleet.restartPending = false;
                for (RunningInstance ri : List.copyOf(fleet.instances)) {
                    retire(ri, stopping);
                }
                stats().rejected += refused.size();
                settleIfEmpty(sup);
            }
        }
        stopping.forEach(i -> i.stop(sup.stopGrace()));
        for (PendingRequest p : refused) {
            p.cancelDeadline();
            p.response.completeExceptionally(new DispatchRejectedException(reason, name, why));
        }
        return CompletableFuture.allOf(stopping.stream().map(i -> i.exit().toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    void reset(ElasticSupervisor sup) {
        List<Runnable> launches;
        synchronized (this) {
            requireRegistered();
            if (state != ServiceState.FAILED) {
                return;
            }
            stats().consecutiveFailures = 0;
            changeState(sup, ServiceState.IDLE, "reset");
            launches = spec.minInstances() > 0 ? launch(sup, spec.minInstances(), false) : List.of();
            settleIfEmpty(sup);
        }
        launches.forEach(Runnable::run);
    }

    /** Takes a new spec: instances of the old one are stopped, new ones start on demand. */
    void redeploy(ElasticSupervisor sup, ServiceSpec newSpec) {
        List<Instance> stopping = new ArrayList<>();
        List<Runnable> launches;
        synchronized (this) {
            requireRegistered();
            spec = newSpec;
            if (fleet != null) {
                for (RunningInstance ri : List.copyOf(fleet.instances)) {
                    retire(ri, stopping);
                }
            }
            launches = state == ServiceState.FAILED ? List.of() : planScaleOut(sup, false);
            settleIfEmpty(sup);
        }
        stopping.forEach(i -> i.stop(sup.stopGrace()));
        launches.forEach(Runnable::run);
    }

    /** Starts the minimum number of instances of a newly registered service. */
    void warmUp(ElasticSupervisor sup) {
        List<Runnable> launches;
        synchronized (this) {
            if (spec.minInstances() == 0) {
                return;
            }
            launches = planScaleOut(sup, false);
            settleIfEmpty(sup);
        }
        launches.forEach(Runnable::run);
    }

    CompletableFuture<Void> remove(ElasticSupervisor sup) {
        synchronized (this) {
            removed = true;
        }
        return stopAll(sup, Reason.UNKNOWN_SERVICE, "service '" + spec().name() + "' was removed");
    }

    private void requireRegistered() {
        if (removed) {
            throw new IllegalStateException("service '" + spec.name() + "' was removed");
        }
    }

    // ---------------------------------------------------------------- reading

    synchronized ServiceStatus status(ElasticSupervisor sup) {
        ServiceStats s = stats == null ? ServiceStats.NONE : stats;
        int instances = 0;
        int inFlight = 0;
        int queued = 0;
        long activeNanos = s.endedActiveNanos;
        long cpuMillis = s.endedCpuMillis;
        long peak = s.peakMemoryBytes;
        if (fleet != null) {
            long now = System.nanoTime();
            instances = fleet.size();
            inFlight = fleet.inFlight;
            queued = fleet.queue.size();
            List<RunningInstance> all = new ArrayList<>(fleet.instances);
            all.addAll(fleet.retiring);
            for (RunningInstance ri : all) {
                if (ri.instance != null && ri.readyAtNanos != 0) {
                    activeNanos += now - ri.readyAtNanos;
                    InstanceUsage u = usage(ri.instance);
                    cpuMillis += Math.max(u.cpuMillis(), 0);
                    peak = Math.max(peak, u.peakMemoryBytes());
                }
            }
        }
        ServiceState shown = state;
        String lastError = s.lastError;
        if (state == ServiceState.IDLE) {
            String problem = driverProblem(sup);
            if (problem != null) {
                shown = ServiceState.UNAVAILABLE;
                lastError = problem;
            }
        }
        return new ServiceStatus(spec, shown, instances, inFlight, queued, s.coldStarts, s.requests, s.rejected,
                s.failures, activeNanos / 1_000_000, cpuMillis, peak, lastError);
    }

    List<String> logTail(int maxLines) {
        List<Instance> running = new ArrayList<>();
        synchronized (this) {
            if (fleet != null) {
                for (RunningInstance ri : fleet.instances) {
                    if (ri.state == RunningInstance.State.READY) {
                        running.add(ri.instance);
                    }
                }
            }
        }
        List<String> lines = new ArrayList<>();
        for (Instance i : running) {
            lines.addAll(i.logTail(maxLines));
        }
        return lines.size() <= maxLines ? lines : lines.subList(lines.size() - maxLines, lines.size());
    }

    // ---------------------------------------------------------------- internals

    private Fleet fleet(ElasticSupervisor sup) {
        if (fleet == null) {
            fleet = new Fleet();
            sup.markActive(this);
        }
        return fleet;
    }

    private ServiceStats stats() {
        if (stats == null) {
            stats = new ServiceStats();
        }
        return stats;
    }

    private void changeState(ElasticSupervisor sup, ServiceState to, String reason) {
        ServiceState from = state;
        state = to;
        sup.stateChanged(spec.name(), from, to, fleet == null ? 0 : fleet.size(), reason);
    }

    private static InstanceUsage usage(Instance instance) {
        try {
            return instance.usage();
        } catch (RuntimeException e) {
            return InstanceUsage.NONE;
        }
    }

    static String describe(Throwable error) {
        Throwable t = error;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
