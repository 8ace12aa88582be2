package dev.hearth.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hearth userland: Apache Felix with every bundle of the distribution, configured from
 * {@code etc/}. Start it once, stop it once.
 *
 * <p>Start: a fresh framework (its cache under {@code <state>/framework} is cleaned on every start,
 * the distribution being the source of truth), the SLF4J log service registered on the system
 * bundle, every bundle installed, then started in {@link BundleFolder} order with the
 * configuration loaded into Config Admin right after Config Admin starts. Then it waits, up to the
 * start timeout, for the {@value #SUPERVISOR_SERVICE} service and for every component to be
 * satisfied. Any failure stops the framework and throws a {@link LaunchException} naming the
 * bundle, file or component.
 */
final class Userland {

    private static final Logger LOG = LoggerFactory.getLogger(Userland.class);

    /** The service whose presence means the core is up. */
    static final String SUPERVISOR_SERVICE = "dev.hearth.supervisor.Supervisor";

    /** The framework property that tells bundles the state directory. */
    static final String STATE_PROPERTY = "hearth.state";

    private static final long POLL_MILLIS = 25;

    /** Where the userland stands. */
    enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED, FAILED }

    private final BundleFolder bundles;
    private final ConfigurationSet configuration;
    private final Path stateDirectory;
    private final Duration startTimeout;
    private final Map<String, String> properties;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private volatile Framework framework;

    /**
     * @param properties extra framework properties, visible to bundles
     */
    Userland(BundleFolder bundles, ConfigurationSet configuration, Path stateDirectory, Duration startTimeout,
             Map<String, String> properties) {
        this.bundles = Objects.requireNonNull(bundles, "bundles");
        this.configuration = Objects.requireNonNull(configuration, "configuration");
        this.stateDirectory = stateDirectory.toAbsolutePath().normalize();
        this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
        this.properties = Map.copyOf(properties);
    }

    State state() {
        return state.get();
    }

    /**
     * Starts the framework and every bundle, and waits for the core services.
     *
     * @throws LaunchException naming what failed; the framework is stopped again
     */
    void start() {
        if (!state.compareAndSet(State.NEW, State.STARTING)) {
            throw new IllegalStateException("userland cannot start: it is " + state.get());
        }
        long started = System.nanoTime();
        long deadline = started + startTimeout.toNanos();
        try {
            Framework felix = new Felix(frameworkProperties());
            framework = felix;
            felix.init();
            BundleContext context = felix.getBundleContext();
            context.registerService(Slf4jLogServiceFactory.INTERFACES, new Slf4jLogServiceFactory(), null);
            felix.start();
            Map<BundleJar, Bundle> installed = install(context);
            for (BundleJar jar : bundles.first()) {
                start(jar, installed.get(jar));
            }
            new ConfigurationInstaller(configurationAdmin(context)).install(configuration);
            for (BundleJar jar : bundles.rest()) {
                start(jar, installed.get(jar));
            }
            awaitCore(context, deadline);
            requireActive(installed);
        } catch (RuntimeException e) {
            fail(e);
            throw e instanceof LaunchException le ? le : new LaunchException("framework failed: " + e, e);
        } catch (BundleException e) {
            fail(e);
            throw new LaunchException("framework failed to start: " + e.getMessage(), e);
        }
        if (!state.compareAndSet(State.STARTING, State.RUNNING)) {
            throw new LaunchException("userland was stopped while it started");
        }
        LOG.info("Userland running: {} bundles active, state in {}, started in {} ms", bundles.size(),
                stateDirectory, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private Map<String, Object> frameworkProperties() {
        Map<String, Object> p = new HashMap<>(properties);
        p.put(Constants.FRAMEWORK_STORAGE, stateDirectory.resolve("framework").toString());
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        p.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SystemPackages.extra());
        p.put(STATE_PROPERTY, stateDirectory.toString());
        p.put("felix.log.logger", new Slf4jFrameworkLogger());
        // SCR logs through the bridged Log Service; this level applies only before it is found.
        p.putIfAbsent("ds.loglevel", "warn");
        return p;
    }

    private Map<BundleJar, Bundle> install(BundleContext context) {
        Map<BundleJar, Bundle> installed = new LinkedHashMap<>();
        for (BundleJar jar : bundles.startOrder()) {
            try {
                installed.put(jar, context.installBundle(jar.file().toUri().toString()));
            } catch (BundleException | RuntimeException e) {
                throw new LaunchException("bundle " + jar.describe() + " cannot be installed: " + e.getMessage(), e);
            }
        }
        return installed;
    }

    private static void start(BundleJar jar, Bundle bundle) {
        if (jar.fragment()) {
            return;
        }
        try {
            bundle.start();
            LOG.debug("Bundle {} started", jar.describe());
        } catch (BundleException | RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String reason = cause == e ? e.getMessage() : e.getMessage() + ": " + cause;
            throw new LaunchException("bundle " + jar.describe() + " cannot start: " + reason, e);
        }
    }

    private static ConfigurationAdmin configurationAdmin(BundleContext context) {
        ServiceReference<ConfigurationAdmin> reference = context.getServiceReference(ConfigurationAdmin.class);
        if (reference == null) {
            throw new LaunchException("Config Admin started but registered no ConfigurationAdmin service the "
                    + "launcher can use (does bundles/ hold a second copy of org.osgi.service.cm?)");
        }
        return context.getService(reference);
    }

    private void awaitCore(BundleContext context, long deadline) {
        ServiceReference<ServiceComponentRuntime> scrReference =
                context.getServiceReference(ServiceComponentRuntime.class);
        if (scrReference == null) {
            throw new LaunchException("SCR started but registered no ServiceComponentRuntime service the "
                    + "launcher can use (does bundles/ hold a second copy of org.osgi.service.component?)");
        }
        ServiceComponentRuntime scr = context.getService(scrReference);
        while (true) {
            ComponentStates components = ComponentStates.of(scr);
            if (!components.failed().isEmpty()) {
                throw new LaunchException("component failed to activate: " + String.join("; ", components.failed()));
            }
            boolean supervisor = hasService(context, SUPERVISOR_SERVICE);
            if (supervisor && components.ready()) {
                LOG.debug("{} components satisfied", components.active());
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new LaunchException("core services not up after " + startTimeout.toSeconds() + " s: "
                        + (supervisor ? "" : "no " + SUPERVISOR_SERVICE + " service; ")
                        + (components.waiting().isEmpty() ? "every component is satisfied"
                                : String.join("; ", components.waiting())));
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LaunchException("interrupted while waiting for the core services", e);
            }
        }
    }

    private static boolean hasService(BundleContext context, String name) {
        try {
            ServiceReference<?>[] references = context.getAllServiceReferences(name, null);
            return references != null && references.length > 0;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("a null filter cannot be invalid", e);
        }
    }

    private static void requireActive(Map<BundleJar, Bundle> installed) {
        for (Map.Entry<BundleJar, Bundle> e : installed.entrySet()) {
            if (!e.getKey().fragment() && e.getValue().getState() != Bundle.ACTIVE) {
                throw new LaunchException("bundle " + e.getKey().describe() + " is not active (state "
                        + e.getValue().getState() + ")");
            }
        }
    }

    private void fail(Exception cause) {
        state.set(State.FAILED);
        Framework felix = framework;
        if (felix == null) {
            return;
        }
        try {
            felix.stop();
            felix.waitForStop(startTimeout.toMillis());
        } catch (BundleException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            cause.addSuppressed(e);
        }
    }

    /**
     * Stops every bundle and the framework, waiting at most {@code grace}.
     *
     * @return whether it stopped within {@code grace}
     */
    boolean stop(Duration grace) {
        State before = state.getAndUpdate(s -> s == State.STOPPED || s == State.FAILED ? s : State.STOPPING);
        if (before == State.STOPPED || before == State.FAILED || before == State.NEW) {
            state.compareAndSet(State.STOPPING, State.STOPPED);
            return true;
        }
        Framework felix = framework;
        if (felix == null) {
            // Stopped before the framework existed: start() fails and nothing is left to stop.
            state.set(State.STOPPED);
            return true;
        }
        LOG.info("Userland stopping");
        try {
            felix.stop();
            FrameworkEvent event = felix.waitForStop(grace.toMillis());
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                LOG.error("Userland did not stop within {} s", grace.toSeconds());
                return false;
            }
        } catch (BundleException e) {
            throw new IllegalStateException("framework refused to stop: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        state.set(State.STOPPED);
        LOG.info("Userland stopped");
        return true;
    }

    /**
     * Waits until the framework has stopped, for any reason.
     *
     * @return true when it stopped normally, false when it stopped with an error
     */
    boolean awaitStop() throws InterruptedException {
        Framework felix = framework;
        if (felix == null) {
            throw new IllegalStateException("userland has no framework: it is " + state.get());
        }
        FrameworkEvent event = felix.waitForStop(0);
        while (event.getType() == FrameworkEvent.STOPPED_UPDATE) {
            // An update of the system bundle: Felix restarts itself, with the bundles it has. Wait
            // for it, then stop it for good, so that a restart is always a fresh start from the launcher.
            long deadline = System.nanoTime() + startTimeout.toNanos();
            while (felix.getState() != Bundle.ACTIVE && System.nanoTime() - deadline < 0) {
                Thread.sleep(POLL_MILLIS);
            }
            LOG.info("Userland restarted by an update of the system bundle; stopping it for a fresh start");
            try {
                felix.stop();
            } catch (BundleException e) {
                throw new IllegalStateException("framework refused to stop after its update: " + e.getMessage(), e);
            }
            event = felix.waitForStop(0);
        }
        return event.getType() != FrameworkEvent.ERROR;
    }

    /** The bundles, for messages. */
    List<BundleJar> bundles() {
        return bundles.startOrder();
    }
}
