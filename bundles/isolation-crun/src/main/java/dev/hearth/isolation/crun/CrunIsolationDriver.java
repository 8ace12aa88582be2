package dev.hearth.isolation.crun;

import dev.hearth.isolation.DriverAvailability;
import dev.hearth.isolation.Instance;
import dev.hearth.isolation.InstanceContext;
import dev.hearth.isolation.IsolationDriver;
import dev.hearth.supervisor.ServiceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs services from OCI images as crun containers. A spec's {@code image} names an OCI image
 * layout directory or {@code oci-archive} tarball; it is unpacked once ({@link ImageStore}) and every
 * instance is a container over that read-only root ({@link RuntimeConfig}), reached by HTTP over a
 * Unix socket. Sandboxes are created ahead ({@link SandboxReserve}) so that an activation is one
 * {@code crun start} and a socket connect.
 *
 * <p>Needs root, crun, and (for images) umoci and tar. On a hybrid cgroup host crun runs in a
 * private mount namespace where the cgroup v2 tree is hidden ({@link MountNamespace}).
 */
@Component(service = IsolationDriver.class, configurationPid = CrunIsolationDriver.PID,
        property = IsolationDriver.TYPE_PROPERTY + "=" + CrunIsolationDriver.TYPE)
@Designate(ocd = CrunIsolationDriver.Config.class)
public final class CrunIsolationDriver implements IsolationDriver, AutoCloseable {

    /** The driver type, and the value of its {@value IsolationDriver#TYPE_PROPERTY} property. */
    public static final String TYPE = "crun";
    /** Its configuration PID. */
    public static final String PID = "dev.hearth.isolation.crun";

    /** Where the driver stands. */
    public enum State {
        /** Starts instances (when available). */
        OPEN,
        /** Closed: its instances were killed and no more start. */
        CLOSED
    }

    @ObjectClassDefinition(name = "Hearth crun isolation driver")
    public @interface Config {
        @AttributeDefinition(description = "Containers' directories, sockets and crun state (short path)")
        String runDirectory() default "/run/hearth/crun";

        @AttributeDefinition(description = "Unpacked images; empty: <hearth.state>/crun-images")
        String storeDirectory() default "";

        @AttributeDefinition(description = "Where relative image references are found; empty: framework property hearth.images, else ./images")
        String imageDirectory() default "";

        @AttributeDefinition(description = "The crun executable")
        String crun() default "crun";

        @AttributeDefinition(description = "Processes and threads per container")
        int pidsLimit() default 128;

        @AttributeDefinition(description = "Size of each container's /tmp, bytes")
        long tmpfsBytes() default 16L << 20;

        @AttributeDefinition(description = "Most sandboxes created ahead per service")
        int reservePerService() default 2;

        @AttributeDefinition(description = "Activations within this many ms count as recent demand")
        long reserveWindowMillis() default 10_000;

        @AttributeDefinition(description = "A service not activated for this many ms keeps no sandbox created ahead")
        long reserveKeepMillis() default 600_000;
    }

    private static final Logger LOG = LoggerFactory.getLogger(CrunIsolationDriver.class);
    /** The longest an activation's sandboxes made ahead wait for its first answer. */
    private static final long REPLENISH_DELAY_MILLIS = 100;

    private final CrunSettings settings;
    private final DriverAvailability availability;
    private final Optional<CgroupHost> cgroups;
    private final Optional<MountNamespace> namespace;
    private final Optional<CrunRuntime> runtime;
    private final Optional<LogFifoStock> fifos;
    private final ImageStore images;
    private final SandboxReserve reserve;
    private final ExecutorService commands = Executors.newCachedThreadPool(daemons("crun-driver-"));
    private final ExecutorService requests = Executors.newCachedThreadPool(daemons("crun-request-"));
    private final ExecutorService readers = Executors.newCachedThreadPool(daemons("crun-log-"));
    private final ScheduledExecutorService timer;
    private final Set<CrunInstance> instances = ConcurrentHashMap.newKeySet();
    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
    private final AtomicLong containers = new AtomicLong();
    private final String containerPrefix = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

    @Activate
    public CrunIsolationDriver(Config config, BundleContext context) {
        this(settings(config, context));
    }

    /** A driver as plain Java; check {@link #availability()} before use. */
    public CrunIsolationDriver(CrunSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, daemons("crun-reserve-"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.timer = scheduler;
        this.images = new ImageStore(settings.storeDirectory(), settings.imageDirectory());
        this.reserve = new SandboxReserve(settings.reservePerService(), settings.reserveWindowMillis(),
                settings.reserveKeepMillis());
        Optional<CgroupHost> detected = Optional.empty();
        Optional<MountNamespace> pinned = Optional.empty();
        Optional<CrunRuntime> usable = Optional.empty();
        Optional<LogFifoStock> stock = Optional.empty();
        String problem = "";
        try {
            long uid = uid();
            if (uid != 0) {
                throw new IllegalStateException("it needs root and this process runs as uid " + uid
                        + " (rootless containers are out of scope)");
            }
            String version = version(settings.crun());
            CgroupHost host = CgroupHost.parse(Files.readString(Path.of("/proc/self/mountinfo")));
            detected = Optional.of(host);
            if (host.mode() == CgroupHost.Mode.NONE) {
                throw new IllegalStateException("this host mounts no cgroups: limits cannot be enforced");
            }
            Path run = settings.runDirectory().toAbsolutePath().normalize();
            Files.createDirectories(run.resolve("containers"));
            if (host.mode() == CgroupHost.Mode.HYBRID) {
                pinned = Optional.of(MountNamespace.open(run.resolve("ns"), host.unified().orElseThrow()));
            }
            CrunRuntime crun = new CrunRuntime(settings.crun(), run.resolve("state"), pinned.map(MountNamespace::file));
            removeLeftovers(crun);
            stock = Optional.of(new LogFifoStock(run.resolve("fifos")));
            usable = Optional.of(crun);
            LOG.info("crun driver: ready ({}, cgroups {})", version, host.mode());
        } catch (IOException | RuntimeException e) {
            problem = "crun driver unavailable: " + e.getMessage();
            LOG.info("{}", problem);
        }
        this.cgroups = detected;
        this.namespace = pinned;
        this.runtime = usable;
        this.fifos = stock;
        this.availability = problem.isEmpty() ? DriverAvailability.ready() : DriverAvailability.unavailable(problem);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public DriverAvailability availability() {
        return availability;
    }

    public State state() {
        return state.get();
    }

    /** How this host mounts cgroups, when it could be read. */
    public Optional<CgroupHost> cgroupHost() {
        return cgroups;
    }

    /** Instances started and not ended yet. */
    public int instanceCount() {
        return instances.size();
    }

    /** Sandboxes created ahead for a service now. */
    public int parkedSandboxes(String service) {
        return reserve.parked(service);
    }

    @Override
    public CompletionStage<Instance> start(InstanceContext context) {
        Objects.requireNonNull(context, "context");
        ServiceSpec spec = context.spec();
        if (state.get() != State.OPEN) {
            return failed(spec, "the driver is " + state.get(), null);
        }
        if (runtime.isEmpty()) {
            return failed(spec, availability.reason(), null);
        }
        CrunRuntime crun = runtime.get();
        return CompletableFuture.supplyAsync(() -> boot(context, crun), commands)
                .handle((instance, problem) -> {
                    if (problem == null) {
                        return CompletableFuture.<Instance>completedFuture(instance);
                    }
                    Throwable cause = problem instanceof java.util.concurrent.CompletionException ? problem.getCause()
                            : problem;
                    return failed(spec, cause.getMessage(), cause);
                }).thenCompose(stage -> stage);
    }

    private Instance boot(InstanceContext context, CrunRuntime crun) {
        ServiceSpec spec = context.spec();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(spec.activationTimeoutMillis());
        Image image = images.image(spec.image());
        SandboxReserve.Key key = new SandboxReserve.Key(spec.name(),
                spec + "|" + image.digest() + "|" + context.dataDirectory());
        List<Sandbox> stale = new ArrayList<>();
        Optional<Sandbox> parked = reserve.take(key, System.currentTimeMillis(), stale);
        stale.forEach(this::discard);
        Sandbox sandbox = parked.orElseGet(() -> create(crun, spec, image, context.dataDirectory()));
        try {
            sandbox.start();
            if (!sandbox.awaitSocket(deadline)) {
                String why = sandbox.ended().isDone()
                        ? "it exited before its socket accepted a connection"
                        : "its socket " + RuntimeConfig.SOCKET_PATH + " did not accept a connection within "
                        + spec.activationTimeoutMillis() + " ms (does the image listen on HEARTH_SOCKET?)";
                List<String> last = sandbox.logTail(3);
                throw new IllegalStateException(why + (last.isEmpty() ? "" : "; last output: "
                        + String.join(" | ", last)));
            }
        } catch (RuntimeException e) {
            discard(sandbox);
            throw e;
        }
        sandbox.note("started as instance " + context.instanceId());
        CrunInstance instance = new CrunInstance(context.instanceId(), spec.name(), spec.memoryLimitBytes(), sandbox,
                requests, this::command);
        instances.add(instance);
        instance.exit().whenComplete((exit, never) -> instances.remove(instance));
        if (state.get() != State.OPEN) {
            instance.stop(Duration.ZERO);
            throw new IllegalStateException("the driver closed while it was starting");
        }
        // Sandboxes are made ahead once the activating request is answered (or soon after if none
        // comes): crun create takes a core for ~10 ms, which the first answer should not compete with.
        instance.firstExchange().copy().completeOnTimeout(null, REPLENISH_DELAY_MILLIS, TimeUnit.MILLISECONDS)
                .thenRun(() -> command(() -> replenish(crun, key, spec, image, context.dataDirectory())));
        return instance;
    }

    /** Creates sandboxes ahead for {@code key} until the reserve holds what recent demand asks for. */
    private void replenish(CrunRuntime crun, SandboxReserve.Key key, ServiceSpec spec, Image image, Path data) {
        int missing = reserve.shortfall(key, System.currentTimeMillis());
        for (int i = 0; i < missing; i++) {
            if (state.get() != State.OPEN) {
                reserve.failed(key);
                continue;
            }
            Sandbox sandbox;
            try {
                sandbox = create(crun, spec, image, data);
            } catch (RuntimeException e) {
                reserve.failed(key);
                LOG.warn("crun driver: cannot create a sandbox ahead for '{}': {}", spec.name(), e.getMessage());
                continue;
            }
            if (!reserve.park(key, sandbox) || state.get() != State.OPEN) {
                discard(sandbox);
            }
        }
        if (missing > 0) {
            timer.schedule(this::expire, settings.reserveKeepMillis() + 1000, TimeUnit.MILLISECONDS);
        }
    }

    private void expire() {
        reserve.expire(System.currentTimeMillis()).forEach(this::discard);
    }

    private Sandbox create(CrunRuntime crun, ServiceSpec spec, Image image, Path dataDirectory) {
        String id = spec.name() + "-" + containerPrefix + "-" + containers.incrementAndGet();
        Path directory = settings.runDirectory().toAbsolutePath().normalize().resolve("containers").resolve(id);
        String cgroupPath = "/hearth/" + id;
        String config = RuntimeConfig.json(id, spec, image, dataDirectory.toAbsolutePath(), directory.resolve("socket"),
                cgroupPath, settings.pidsLimit(), settings.tmpfsBytes(), settings.hostJava());
        return Sandbox.create(id, directory, config, crun, new CgroupMeter(cgroups.orElseThrow(), cgroupPath),
                fifos.orElseThrow(), readers);
    }

    /** Runs container work on the command pool, or here once the pool is shut down by close. */
    private void command(Runnable work) {
        try {
            commands.execute(work);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            work.run();
        }
    }

    private void discard(Sandbox sandbox) {
        Runnable delete = () -> {
            String problem = sandbox.delete();
            if (!problem.isEmpty()) {
                LOG.warn("crun driver: container {}: {}", sandbox.id(), problem);
            }
        };
        if (state.get() == State.OPEN) {
            commands.execute(delete);
        } else {
            delete.run();
        }
    }

    /**
     * Kills every instance at once, deletes the sandboxes created ahead and starts no more. Waits up
     * to five seconds for the containers to be deleted. Calling it again is harmless.
     */
    @Override
    public void close() {
        if (!state.compareAndSet(State.OPEN, State.CLOSED)) {
            return;
        }
        List<CompletableFuture<?>> ends = new ArrayList<>();
        for (CrunInstance instance : new ArrayList<>(instances)) {
            instance.stop(Duration.ZERO);
            ends.add(instance.exit().toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            timer.shutdownNow();
            // Starts and sandboxes being made ahead finish (and delete what they made), then the rest.
            commands.shutdown();
            if (!commands.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("crun driver: container commands still running 30 s after close");
            }
            reserve.drain().forEach(this::discard);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("crun driver: not every instance ended within 5 s of close: {}", e.toString());
        }
        requests.shutdown();
        readers.shutdown();
        namespace.ifPresent(MountNamespace::close);
        LOG.info("crun driver: closed");
    }

    @Deactivate
    void deactivate() {
        close();
    }

    /** Deletes containers a previous run of the driver left in its state root. */
    private static void removeLeftovers(CrunRuntime crun) {
        CrunRuntime.Outcome list = crun.run("list", "--quiet");
        if (!list.succeeded()) {
            throw new IllegalStateException("crun list failed (" + list.status() + "): " + list.output());
        }
        for (String id : list.output().split("\n")) {
            if (!id.isBlank()) {
                crun.run("delete", "--force", id.strip());
            }
        }
    }

    private static String version(String crun) {
        try {
            Process process = new ProcessBuilder(crun, "--version").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes()).strip();
            if (process.waitFor() != 0) {
                throw new IllegalStateException(crun + " --version failed: " + output);
            }
            return output.lines().findFirst().orElse(crun);
        } catch (IOException e) {
            throw new IllegalStateException("crun is not installed or not runnable (" + crun + ": " + e.getMessage()
                    + "); on Debian: apt-get install crun umoci", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking crun its version", e);
        }
    }

    private static long uid() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return Long.parseLong(line.substring(4).strip().split("\\s+")[1]);
            }
        }
        throw new IOException("/proc/self/status has no Uid line");
    }

    private static CrunSettings settings(Config config, BundleContext context) {
        String state = Optional.ofNullable(context.getProperty("hearth.state")).orElse("var");
        String imagesProperty = Optional.ofNullable(context.getProperty("hearth.images")).orElse("images");
        CrunSettings defaults = CrunSettings.defaults(Path.of(config.runDirectory()), Path.of(state));
        return new CrunSettings(Path.of(config.runDirectory()),
                config.storeDirectory().isBlank() ? defaults.storeDirectory() : Path.of(config.storeDirectory()),
                Path.of(config.imageDirectory().isBlank() ? imagesProperty : config.imageDirectory()),
                config.crun(), config.pidsLimit(), config.tmpfsBytes(), config.reservePerService(),
                config.reserveWindowMillis(), config.reserveKeepMillis(), defaults.hostJava());
    }

    private static CompletableFuture<Instance> failed(ServiceSpec spec, String problem, Throwable cause) {
        return CompletableFuture.failedFuture(
                new IllegalStateException("crun driver: cannot start '" + spec.name() + "': " + problem, cause));
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return work -> {
            Thread thread = new Thread(work, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
