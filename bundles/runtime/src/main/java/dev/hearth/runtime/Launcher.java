package dev.hearth.runtime;

import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import dev.hearth.ota.userland.UserlandState;
import dev.hearth.ota.userland.UserlandStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xml.sax.SAXException;

/**
 * The entry point of {@code bin/hearth}: {@code run}, {@code demo}, {@code status}, {@code check},
 * {@code help}. Exit status 0 when all went well (a stop by SIGINT or SIGTERM included), 1 when
 * something failed (the message names it), 2 for a wrong command line.
 */
public final class Launcher {

    /** The framework property holding the distribution's folder, and the system property bin/hearth sets. */
    public static final String HOME_PROPERTY = "hearth.home";
    /** The framework property naming where container images given by a relative name are found. */
    public static final String IMAGES_PROPERTY = "hearth.images";
    /** The framework property naming the userland store's root, set only when the launcher starts from one. */
    public static final String USERLAND_PROPERTY = "hearth.userland";

    /** The system property that sets the root log level in {@code etc/logback.xml}. */
    public static final String LOG_LEVEL_PROPERTY = "hearth.log.level";

    static final String SUPERVISOR_PID = "dev.hearth.supervisor";
    static final String GATEWAY_PID = "dev.hearth.gateway";
    static final String AGENT_PID = "dev.hearth.agent";
    static final String ADMIN_PID = "dev.hearth.admin";

    /** How long a stop may take before the process gives up on a clean one. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private Launcher() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Command command;
        try {
            command = CommandLine.parse(Arrays.asList(args),
                    Optional.ofNullable(System.getProperty(HOME_PROPERTY)).map(Path::of));
        } catch (UsageException e) {
            err.println("hearth: " + e.getMessage());
            err.println();
            err.print(CommandLine.USAGE);
            System.exit(2);
            return;
        }
        int status;
        if (command instanceof Command.Start start) {
            status = start(start, out, err);
        } else if (command instanceof Command.Status s) {
            status = new StatusCommand(s.admin(), s.timeout()).run(out, err);
        } else if (command instanceof Command.Check check) {
            status = check(check.distribution(), out, err);
        } else if (command instanceof Command.Help) {
            out.print(CommandLine.USAGE);
            status = 0;
        } else {
            throw new AssertionError("unhandled command " + command);
        }
        System.exit(status);
    }

    private static int check(Distribution distribution, PrintStream out, PrintStream err) {
        try {
            BundleFolder bundles = BundleFolder.read(distribution.bundles());
            ConfigurationSet etc = ConfigurationSet.read(List.of(distribution.etc()));
            ConfigurationSet demo = ConfigurationSet.read(List.of(distribution.demoEtc()));
            requireWellFormed(distribution.logbackConfiguration());
            out.println("hearth check: " + distribution.home() + ": " + bundles.size() + " bundles, "
                    + etc.size() + " configurations in etc/, " + demo.size() + " in etc/demo/");
            return 0;
        } catch (LaunchException e) {
            err.println("hearth check: " + e.getMessage());
            return 1;
        }
    }

    private static void requireWellFormed(Path xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            builder.parse(xml.toFile());
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new LaunchException(xml + ": not well-formed XML: " + e.getMessage(), e);
        }
    }

    private static int start(Command.Start command, PrintStream out, PrintStream err) {
        StartOptions options = command.options();
        Distribution distribution = options.distribution();
        configureLogging(options);
        Logger log = LoggerFactory.getLogger(Launcher.class);

        MoquetteBroker broker = null;
        AtomicReference<Userland> running = new AtomicReference<>();
        AtomicBoolean signalled = new AtomicBoolean();
        Thread hook = null;
        StateLock stateLock = null;
        String gateway;
        String admin;
        Path state;
        ConfigurationSet configuration;
        Map<String, String> properties = new HashMap<>();
        Optional<UserlandStore> store = options.userland().map(UserlandStore::new);
        try {
            List<Path> directories = new ArrayList<>(List.of(distribution.etc()));
            if (command.mode() == Mode.DEMO) {
                directories.add(distribution.demoEtc());
            }
            directories.addAll(options.etcOverlays());
            ConfigurationSet files = ConfigurationSet.read(directories);
            state = options.state()
                    .or(() -> files.value(SUPERVISOR_PID, "stateDirectory")
                            .map(v -> distribution.home().resolve(v)))
                    .orElse(distribution.defaultState())
                    .toAbsolutePath().normalize();
            configuration = files.with(SUPERVISOR_PID, "stateDirectory", state.toString(), "the state directory");
            if (options.gatewayPort().isPresent()) {
                configuration = configuration.with(GATEWAY_PID, "port",
                        Integer.toString(options.gatewayPort().getAsInt()), "--gateway-port");
            }
            if (options.adminPort().isPresent()) {
                configuration = configuration.with(ADMIN_PID, "port",
                        Integer.toString(options.adminPort().getAsInt()), "--admin-port");
            }
            gateway = address(configuration, GATEWAY_PID, "8080");
            admin = address(configuration, ADMIN_PID, "8081");
            if (store.isEmpty()) {
                BundleFolder.read(distribution.bundles()); // refused before anything starts
            }
            Files.createDirectories(state);
            stateLock = StateLock.acquire(state);

            if (command.mode() == Mode.DEMO) {
                broker = new MoquetteBroker(new BrokerSettings(BrokerSettings.DEFAULT_HOST,
                        options.brokerPort().orElse(BrokerSettings.DEFAULT_PORT), state.resolve("broker")));
                broker.start();
                if (configuration.value(AGENT_PID, "brokerUrl").isPresent()) {
                    // The demo's agent talks to the embedded broker, wherever it listens.
                    configuration = configuration.with(AGENT_PID, "brokerUrl",
                            "tcp://" + BrokerSettings.DEFAULT_HOST + ":" + broker.port(), "the embedded broker");
                }
            }
            properties.put(HOME_PROPERTY, distribution.home().toString());
            properties.put(IMAGES_PROPERTY, distribution.home().resolve("images").toString());
            store.ifPresent(s -> properties.put(USERLAND_PROPERTY, s.root().toString()));
            hook = shutdownHook(running, broker, signalled, log);
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (LaunchException | IOException e) {
            if (broker != null) {
                broker.close();
            }
            err.println("hearth: cannot start: " + e.getMessage());
            return 1;
        }

        boolean guided = false;
        while (true) {
            Userland userland;
            try {
                userland = startUserland(command.mode(), distribution, store, configuration, state,
                        options.startTimeout(), properties, running, log);
            } catch (LaunchException | IOException e) {
                if (signalled.get() || !removed(hook)) {
                    // Stopped by a signal while starting: the shutdown hook ends the process.
                    return 0;
                }
                if (broker != null) {
                    broker.close();
                }
                err.println("hearth: cannot start: " + e.getMessage());
                return 1;
            }
            if (command.mode() == Mode.DEMO && !guided) {
                out.print(DemoGuide.text(gateway, admin, BrokerSettings.DEFAULT_HOST + ":" + broker.port(), state));
                out.flush();
                guided = true;
            }

            boolean normal;
            try {
                normal = userland.awaitStop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                normal = false;
            }
            // The state directory stays locked for as long as the userland ran.
            Reference.reachabilityFence(stateLock);
            if (signalled.get()) {
                // The shutdown hook stops everything and ends the process with its own status.
                return 0;
            }
            if (store.isPresent() && normal) {
                log.info("The framework stopped by itself: restarting the userland");
                continue;
            }
            if (!removed(hook)) {
                // A signal arrived just now: the hook is running and ends the process.
                return 0;
            }
            if (broker != null) {
                broker.close();
            }
            log.info("The framework stopped by itself{}", normal ? "" : ", with an error");
            return normal ? 0 : 1;
        }
    }

    /**
     * Starts the userland from the store's current set (or {@code bundles/}). An unconfirmed set that
     * fails to start, or that a launcher already started once without it being confirmed, is rolled
     * back in the store and the set before it started instead, in this same call.
     */
    private static Userland startUserland(Mode mode, Distribution distribution, Optional<UserlandStore> store,
                                          ConfigurationSet configuration, Path state, Duration startTimeout,
                                          Map<String, String> properties, AtomicReference<Userland> running,
                                          Logger log) throws IOException {
        while (true) {
            Optional<String> version = Optional.empty();
            boolean unconfirmed = false;
            if (store.isPresent()) {
                UserlandStore s = store.get();
                s.clean();
                UserlandState before = s.state();
                if (before.currentTriedBefore()) {
                    UserlandState after = s.rollback();
                    log.warn("Userland {} was started before and never confirmed: rolled back to {}",
                            before.current().orElseThrow(), after.current().orElse("the distribution's bundles"));
                    continue;
                }
                version = before.current();
                unconfirmed = before.currentUnconfirmed();
                if (unconfirmed) {
                    s.markTried();
                }
            }
            Path folder = version.isPresent() ? store.get().directory(version.get()) : distribution.bundles();
            try {
                Userland userland = new Userland(BundleFolder.read(folder), configuration, state, startTimeout,
                        properties);
                running.set(userland);
                String from = version.isEmpty() ? "" : " with userland " + version.get()
                        + (unconfirmed ? " (not confirmed yet)" : "");
                log.info("Starting the Hearth userland ({}) from {}{}", mode.name().toLowerCase(), distribution.home(),
                        from);
                userland.start();
                return userland;
            } catch (LaunchException e) {
                if (!unconfirmed) {
                    throw e;
                }
                UserlandState after = store.get().rollback();
                log.warn("Userland {} failed to start, rolled back to {}: {}", version.get(),
                        after.current().orElse("the distribution's bundles"), e.getMessage());
            }
        }
    }

    /**
     * On SIGINT or SIGTERM: stop the framework (waiting at most {@link #STOP_TIMEOUT}), then the
     * broker, flush the log, and end the process with 0 when everything stopped in time. Without
     * the explicit halt the JVM would exit with 130 or 143.
     */
    private static Thread shutdownHook(AtomicReference<Userland> running, MoquetteBroker broker,
                                       AtomicBoolean signalled, Logger log) {
        return new Thread(() -> {
            signalled.set(true);
            boolean clean;
            try {
                Userland userland = running.get();
                clean = userland == null || userland.stop(STOP_TIMEOUT);
            } catch (RuntimeException e) {
                log.error("Stopping the userland failed", e);
                clean = false;
            }
            if (broker != null) {
                broker.close();
            }
            flushLogging();
            Runtime.getRuntime().halt(clean ? 0 : 1);
        }, "hearth-shutdown");
    }

    /** Unregisters the shutdown hook; false when it cannot be, because the JVM is already shutting down. */
    private static boolean removed(Thread hook) {
        if (hook == null) {
            return true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static String address(ConfigurationSet configuration, String pid, String defaultPort) {
        return configuration.value(pid, "host").orElse("127.0.0.1") + ":"
                + configuration.value(pid, "port").orElse(defaultPort);
    }

    /** Points Logback at etc/logback.xml and sets the root level, before the first logger exists. */
    private static void configureLogging(StartOptions options) {
        Path logback = options.distribution().logbackConfiguration();
        if (System.getProperty("logback.configurationFile") == null && Files.isRegularFile(logback)) {
            System.setProperty("logback.configurationFile", logback.toString());
        }
        options.logLevel().ifPresent(level -> System.setProperty(LOG_LEVEL_PROPERTY, level.toUpperCase()));
    }

    private static void flushLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
        System.out.flush();
        System.err.flush();
    }
}
