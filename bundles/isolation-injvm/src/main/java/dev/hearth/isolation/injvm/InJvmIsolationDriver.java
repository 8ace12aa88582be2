package dev.hearth.isolation.injvm;

import dev.hearth.isolation.DriverAvailability;
import dev.hearth.isolation.Instance;
import dev.hearth.isolation.InstanceContext;
import dev.hearth.isolation.IsolationDriver;
import dev.hearth.service.HandlerContext;
import dev.hearth.service.ServiceHandlerFactory;
import dev.hearth.supervisor.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs trusted services as Java handlers inside this JVM. A spec's {@code image} names a
 * {@link ServiceHandlerFactory} (its {@value ServiceHandlerFactory#NAME_PROPERTY} property); every
 * instance gets a fresh handler from it and a bounded executor of its own.
 *
 * <p>Usable as plain Java ({@link #addFactory}, {@link #removeFactory}, {@link #close}) and as a
 * Declarative Services component that tracks factory services. Removing a factory leaves running
 * instances alone; only later starts fail.
 */
@Component(service = IsolationDriver.class,
        property = IsolationDriver.TYPE_PROPERTY + "=" + InJvmIsolationDriver.TYPE)
public final class InJvmIsolationDriver implements IsolationDriver, AutoCloseable {

    /** The driver type, and the value of its {@value IsolationDriver#TYPE_PROPERTY} property. */
    public static final String TYPE = "injvm";

    /** Where the driver stands. */
    public enum State {
        /** Starts instances. */
        OPEN,
        /** Closed: its instances were told to stop and no more start. */
        CLOSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(InJvmIsolationDriver.class);

    /** Factories by handler name; the last one bound wins while it stays bound. */
    private final Map<String, List<ServiceHandlerFactory>> factories = new ConcurrentHashMap<>();
    private final Set<InJvmInstance> instances = ConcurrentHashMap.newKeySet();
    private final GraceTimer timer = new GraceTimer();
    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);

    public InJvmIsolationDriver() {
        // Load the thread MXBean now rather than on the first request of the first instance.
        ThreadCpuClock.supported();
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public DriverAvailability availability() {
        return DriverAvailability.ready();
    }

    public State state() {
        return state.get();
    }

    @Override
    public CompletionStage<Instance> start(InstanceContext context) {
        Objects.requireNonNull(context, "context");
        ServiceSpec spec = context.spec();
        State now = state.get();
        if (now != State.OPEN) {
            return failed(spec, "the driver is " + now, null);
        }
        Optional<ServiceHandlerFactory> factory = factory(spec.image());
        if (factory.isEmpty()) {
            return failed(spec, "no handler factory named '" + spec.image() + "' is registered", null);
        }
        ServiceHandlerFactory chosen = factory.get();
        HandlerContext handlerContext = new HandlerContext(spec.name(), context.instanceId(), context.dataDirectory());
        InJvmInstance instance = new InJvmInstance(spec.name(), context.instanceId(), spec.targetConcurrency(), timer,
                instances::remove);
        instances.add(instance);
        if (state.get() != State.OPEN) {
            // Closed while this one was being made: it must not outlive the driver.
            instance.stop(Duration.ZERO);
            return failed(spec, "the driver is " + state.get(), null);
        }
        // The handler is made on the instance's own first thread, never on the caller's: a slow
        // factory must not hold up the gateway's event loop.
        return instance.boot(() -> chosen.create(handlerContext), problem -> failed(spec,
                "handler factory '" + spec.image() + "' " + problem.getMessage(), problem.getCause()))
                .whenComplete((started, problem) -> {
                    if (problem != null) {
                        instances.remove(instance);
                    }
                });
    }

    /**
     * Makes {@code factory} the handler factory named {@code name}, replacing any other by that name.
     */
    public void addFactory(String name, ServiceHandlerFactory factory) {
        requireName(name);
        Objects.requireNonNull(factory, "factory");
        factories.put(name, List.of(factory));
        LOG.info("injvm driver: handler factory '{}' added", name);
    }

    /** Forgets the handler factory named {@code name}; returns false when there was none. */
    public boolean removeFactory(String name) {
        requireName(name);
        boolean removed = factories.remove(name) != null;
        if (removed) {
            LOG.info("injvm driver: handler factory '{}' removed", name);
        }
        return removed;
    }

    /** Instances started by this driver that have not exited yet. */
    public int instanceCount() {
        return instances.size();
    }

    /**
     * Stops every instance at once (grace zero) and starts no more. Instances report their exit as
     * usual. Calling it again is harmless.
     */
    @Override
    public void close() {
        if (!state.compareAndSet(State.OPEN, State.CLOSED)) {
            return;
        }
        for (InJvmInstance instance : new ArrayList<>(instances)) {
            instance.stop(Duration.ZERO);
        }
        timer.close();
        LOG.info("injvm driver: closed");
    }

    @Deactivate
    void deactivate() {
        close();
    }

    @Reference(service = ServiceHandlerFactory.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindFactory(ServiceHandlerFactory factory, Map<String, Object> properties) {
        Optional<String> name = handlerName(properties);
        if (name.isEmpty()) {
            LOG.warn("injvm driver: ignoring a handler factory without a '{}' property (service id {})",
                    ServiceHandlerFactory.NAME_PROPERTY, properties.get("service.id"));
            return;
        }
        factories.compute(name.get(), (key, bound) -> {
            List<ServiceHandlerFactory> more = new ArrayList<>(bound == null ? List.of() : bound);
            more.add(factory);
            return List.copyOf(more);
        });
        LOG.info("injvm driver: handler factory '{}' bound", name.get());
    }

    void unbindFactory(ServiceHandlerFactory factory, Map<String, Object> properties) {
        Optional<String> name = handlerName(properties);
        if (name.isEmpty()) {
            return;
        }
        factories.computeIfPresent(name.get(), (key, bound) -> {
            List<ServiceHandlerFactory> fewer = new ArrayList<>(bound);
            fewer.remove(factory);
            return fewer.isEmpty() ? null : List.copyOf(fewer);
        });
        LOG.info("injvm driver: handler factory '{}' unbound", name.get());
    }

    private Optional<ServiceHandlerFactory> factory(String name) {
        List<ServiceHandlerFactory> bound = factories.get(name);
        return bound == null ? Optional.empty() : Optional.of(bound.get(bound.size() - 1));
    }

    /** The handler name in a factory's service properties, when it has a usable one. */
    private static Optional<String> handlerName(Map<String, Object> properties) {
        Object value = properties.get(ServiceHandlerFactory.NAME_PROPERTY);
        return value instanceof String name && !name.isBlank() ? Optional.of(name) : Optional.empty();
    }

    private static void requireName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a handler factory name must not be blank");
        }
    }

    private static CompletableFuture<Instance> failed(ServiceSpec spec, String problem, Throwable cause) {
        return CompletableFuture.failedFuture(
                new IllegalStateException("injvm driver: cannot start '" + spec.name() + "': " + problem, cause));
    }
}
