package dev.hearth.runtime;

import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
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
        Userland userland;
        AtomicBoolean signalled = new AtomicBoolean();
        Thread hook = null;
        StateLock stateLock = null;
        String gateway;
        String admin;
        Path state;
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
            ConfigurationSet configuration =
                    files.with(SUPERVISOR_PID, "stateDirectory", state.toString(), "the state directory");
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
            BundleFolder bundles = BundleFolder.read(distribution.bundles());
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
            userland = new Userland(bundles, configuration, state, options.startTimeout(),
                    Map.of(HOME_PROPERTY, distribution.home().toString(),
                            IMAGES_PROPERTY, distribution.home().resolve("images").toString()));
            hook = shutdownHook(userland, broker, signalled, log);
            Runtime.getRuntime().addShutdownHook(hook);
            log.info("Starting the Hearth userland ({}) from {}", command.mode().name().toLowerCase(),
                    distribution.home());
            userland.start();
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

        if (command.mode() == Mode.DEMO) {
            out.print(DemoGuide.text(gateway, admin, BrokerSettings.DEFAULT_HOST + ":" + broker.port(), state));
            out.flush();
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

    /**
     * On SIGINT or SIGTERM: stop the framework (waiting at most {@link #STOP_TIMEOUT}), then the
     * broker, flush the log, and end the process with 0 when everything stopped in time. Without
     * the explicit halt the JVM would exit with 130 or 143.
     */
    private static Thread shutdownHook(Userland userland, MoquetteBroker broker, AtomicBoolean signalled,
                                       Logger log) {
        return new Thread(() -> {
            signalled.set(true);
            boolean clean;
            try {
                clean = userland.stop(STOP_TIMEOUT);
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
