package dev.hearth.supervisor.elastic;

import dev.hearth.isolation.IsolationDriver;
import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.DispatchRejectedException;
import dev.hearth.supervisor.DispatchRejectedException.Reason;
import dev.hearth.supervisor.ServiceSpec;
import dev.hearth.supervisor.ServiceState;
import dev.hearth.supervisor.ServiceStatus;
import dev.hearth.supervisor.Supervisor;
import dev.hearth.supervisor.SupervisorEvents;
import dev.hearth.supervisor.UnknownServiceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The microelastic supervisor: a registry of services that cost bytes while idle, instances
 * started on demand, scaled out under load and stopped when idle.
 *
 * <p>Threads: callers' threads dispatch; drivers' threads complete starts and requests; one timer
 * thread runs activation deadlines, replacement back-offs and the scale-in tick. The tick runs
 * only while some service has instances, and visits only those services: an idle system wakes
 * nobody.
 */
public final class ElasticSupervisor implements Supervisor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticSupervisor.class);

    private enum Lifecycle { RUNNING, CLOSED }

    private final SupervisorSettings settings;
    private final SupervisorEventSink events;
    private final ConcurrentHashMap<String, Service> registry = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, IsolationDriver> drivers = new ConcurrentHashMap<>();
    private final Set<Service> active = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean ticking = new AtomicBoolean();
    private final AtomicLong instanceCounter = new AtomicLong();
    private final ScheduledThreadPoolExecutor timer;
    private final Duration stopGrace;
    private volatile Lifecycle lifecycle = Lifecycle.RUNNING;

    public ElasticSupervisor(SupervisorSettings settings, SupervisorEventSink events) {
        this.settings = settings;
        this.events = events;
        this.stopGrace = Duration.ofMillis(settings.stopGraceMillis());
        try {
            Files.createDirectories(settings.stateDirectory());
            clearRunDirectory(settings.runDirectory());
        } catch (IOException e) {
            throw new UncheckedIOException("supervisor: cannot prepare " + settings.stateDirectory() + " and "
                    + settings.runDirectory() + ": " + e.getMessage(), e);
        }
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "hearth-supervisor-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    // ---------------------------------------------------------------- drivers

    public void addDriver(IsolationDriver driver) {
        IsolationDriver previous = drivers.put(driver.type(), driver);
        if (previous != null && previous != driver) {
            LOG.warn("isolation driver '{}' replaced by another of the same type", driver.type());
        }
        LOG.info("isolation driver '{}' added ({})", driver.type(),
                driver.availability().available() ? "available" : driver.availability().reason());
    }

    public void removeDriver(IsolationDriver driver) {
        if (drivers.remove(driver.type(), driver)) {
            LOG.info("isolation driver '{}' removed", driver.type());
            for (Service s : registry.values()) {
                if (s.spec().driver().equals(driver.type())) {
                    s.stopAll(this, Reason.SERVICE_UNAVAILABLE,
                            "the '" + driver.type() + "' isolation driver was removed");
                }
            }
        }
    }

    IsolationDriver driver(String type) {
        return drivers.get(type);
    }

    // ---------------------------------------------------------------- Supervisor

    @Override
    public void deploy(ServiceSpec spec) {
        requireRunning("deploy");
        Service fresh = new Service(spec);
        Service existing = registry.putIfAbsent(spec.name(), fresh);
        if (existing == null) {
            LOG.info("service '{}' deployed (driver {}, image {})", spec.name(), spec.driver(), spec.image());
            events.post(SupervisorEvents.SERVICE_DEPLOYED,
                    Map.of(SupervisorEvents.SERVICE, spec.name(), SupervisorEvents.CHANGE, "DEPLOYED"));
            fresh.warmUp(this);
        } else if (!existing.spec().equals(spec)) {
            LOG.info("service '{}' redeployed (driver {}, image {})", spec.name(), spec.driver(), spec.image());
            events.post(SupervisorEvents.SERVICE_DEPLOYED,
                    Map.of(SupervisorEvents.SERVICE, spec.name(), SupervisorEvents.CHANGE, "DEPLOYED"));
            existing.redeploy(this, spec);
        }
    }

    @Override
    public boolean remove(String name) {
        Service s = registry.remove(name);
        if (s == null) {
            return false;
        }
        s.remove(this);
        LOG.info("service '{}' removed", name);
        events.post(SupervisorEvents.SERVICE_DEPLOYED,
                Map.of(SupervisorEvents.SERVICE, name, SupervisorEvents.CHANGE, "REMOVED"));
        return true;
    }

    @Override
    public Optional<ServiceStatus> status(String name) {
        Service s = registry.get(name);
        return s == null ? Optional.empty() : Optional.of(s.status(this));
    }

    @Override
    public List<ServiceStatus> statuses() {
        List<ServiceStatus> all = new ArrayList<>(registry.size());
        for (Service s : registry.values()) {
            all.add(s.status(this));
        }
        all.sort(Comparator.comparing(ServiceStatus::name));
        return all;
    }

    @Override
    public int size() {
        return registry.size();
    }

    @Override
    public CompletionStage<ServiceResponse> dispatch(String service, ServiceRequest request) {
        Service s = registry.get(service);
        if (s == null || lifecycle != Lifecycle.RUNNING) {
            return CompletableFuture.failedFuture(s == null
                    ? new DispatchRejectedException(Reason.UNKNOWN_SERVICE, service,
                            "no service named '" + service + "'")
                    : new DispatchRejectedException(Reason.SERVICE_UNAVAILABLE, service,
                            "the supervisor is shutting down"));
        }
        return s.dispatch(this, request);
    }

    @Override
    public void scale(String name, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("instance count must not be negative, was " + count);
        }
        requireRunning("scale");
        service(name).scale(this, count);
    }

    @Override
    public void stop(String name) {
        service(name).stopAll(this, Reason.SERVICE_UNAVAILABLE, "service '" + name + "' was stopped");
    }

    @Override
    public void reset(String name) {
        service(name).reset(this);
    }

    @Override
    public List<String> logTail(String name, int maxLines) {
        return service(name).logTail(maxLines);
    }

    /** Stops every instance, waiting up to the stop grace for them to end. */
    @Override
    public void close() {
        if (lifecycle == Lifecycle.CLOSED) {
            return;
        }
        lifecycle = Lifecycle.CLOSED;
        List<CompletableFuture<Void>> stopped = new ArrayList<>();
        for (Service s : List.copyOf(active)) {
            stopped.add(s.stopAll(this, Reason.SERVICE_UNAVAILABLE, "the supervisor is shutting down"));
        }
        try {
            CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new))
                    .get(stopGrace.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("supervisor: some instances had not ended {} ms after being stopped", stopGrace.toMillis());
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("supervisor: an instance failed while stopping", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        LOG.info("supervisor closed ({} services registered)", registry.size());
    }

    private Service service(String name) {
        Service s = registry.get(name);
        if (s == null) {
            throw new UnknownServiceException(name);
        }
        return s;
    }

    private void requireRunning(String action) {
        if (lifecycle != Lifecycle.RUNNING) {
            throw new IllegalStateException("supervisor is " + lifecycle + ": cannot " + action);
        }
    }

    // ---------------------------------------------------------------- for services

    SupervisorSettings settings() {
        return settings;
    }

    Duration stopGrace() {
        return stopGrace;
    }

    String nextInstanceId(String service) {
        return service + "-" + instanceCounter.incrementAndGet();
    }

    ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        return timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    void post(String topic, Map<String, Object> properties) {
        events.post(topic, properties);
    }

    void stateChanged(String service, ServiceState from, ServiceState to, int instances, String reason) {
        if (to == ServiceState.FAILED) {
            LOG.warn("service '{}' {} -> {}: {}", service, from, to, reason);
        } else if (LOG.isDebugEnabled()) {
            // Activation and scale-in happen many times a minute: INFO would drown everything else.
            LOG.debug("service '{}' {} -> {} ({} instances): {}", service, from, to, instances, reason);
        }
        events.post(SupervisorEvents.SERVICE_STATE_CHANGED, Map.of(SupervisorEvents.SERVICE, service,
                SupervisorEvents.FROM, from.name(), SupervisorEvents.TO, to.name(),
                SupervisorEvents.INSTANCES, instances, SupervisorEvents.REASON, reason));
    }

    /** The service has instances or waiting requests: the scale-in tick must visit it. */
    void markActive(Service s) {
        active.add(s);
        if (ticking.compareAndSet(false, true)) {
            scheduleTick();
        }
    }

    /** The service has gone idle. Called under its lock. */
    void markIdle(Service s) {
        active.remove(s);
    }

    private void scheduleTick() {
        if (lifecycle == Lifecycle.RUNNING) {
            timer.schedule(this::tick, settings.scaleInTickMillis(), TimeUnit.MILLISECONDS);
        } else {
            ticking.set(false);
        }
    }

    private void tick() {
        long now = System.nanoTime();
        for (Service s : active) {
            try {
                s.scaleIn(this, now);
            } catch (RuntimeException e) {
                LOG.error("supervisor: scale-in of '{}' failed", s.spec().name(), e);
            }
        }
        if (active.isEmpty()) {
            ticking.set(false);
            // A service may have become active between the check and the reset.
            if (active.isEmpty() || !ticking.compareAndSet(false, true)) {
                return;
            }
        }
        scheduleTick();
    }

    void prepareDataDirectory(String service) throws IOException {
        Path data = settings.dataDirectory(service);
        if (!Files.isDirectory(data)) {
            Files.createDirectories(data);
        }
    }

    void deleteRunDirectory(Path runDirectory) {
        try {
            deleteTree(runDirectory);
        } catch (IOException e) {
            LOG.warn("supervisor: cannot delete {}: {}", runDirectory, e.toString());
        }
    }

    private static void clearRunDirectory(Path runDirectory) throws IOException {
        if (Files.isDirectory(runDirectory)) {
            try (Stream<Path> leftovers = Files.list(runDirectory)) {
                for (Path p : (Iterable<Path>) leftovers::iterator) {
                    deleteTree(p);
                }
            }
        }
        Files.createDirectories(runDirectory);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
