package dev.hearth.runtime;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Parses the launcher's arguments into a {@link Command}. Every option takes a value, written
 * {@code --name value} or {@code --name=value}; only {@code --etc} may be repeated.
 */
public final class CommandLine {

    /** The admin endpoint {@code status} asks when none is given. */
    public static final URI DEFAULT_ADMIN = URI.create("http://127.0.0.1:8081");

    /** How long {@code status} waits for the admin endpoint when no timeout is given. */
    public static final Duration DEFAULT_STATUS_TIMEOUT = Duration.ofSeconds(5);

    public static final String USAGE = """
            usage: hearth <command> [options]

            commands:
              run      start the device userland (bundles/ and etc/) until stopped (Ctrl-C, SIGTERM)
              demo     run, plus an embedded MQTT broker and the sample services of etc/demo/
              status   print the services of a running userland as a table
              check    check bundles/ and etc/ without starting anything
              help     print this

            run and demo:
              --state DIR            state directory: service data, framework cache (default: var/
                                     under the distribution, or stateDirectory in
                                     etc/dev.hearth.supervisor.cfg)
              --etc DIR              another configuration directory, loaded after etc/ (repeatable)
              --gateway-port N       the gateway's port (default: etc/dev.hearth.gateway.cfg, 8080)
              --admin-port N         the admin endpoint's port (default: etc/dev.hearth.admin.cfg, 8081)
              --broker-port N        demo only: the MQTT broker's port (default 1883)
              --start-timeout SEC    how long the core services may take to come up (default 60)
              --log-level LEVEL      root log level: trace, debug, info, warn, error, off
              --userland DIR         a userland store: start the bundles of DIR/current instead of
                                     bundles/; an unconfirmed set that fails to start is rolled back
                                     to DIR/previous; a framework that stops by itself starts again
                                     (default: off, always bundles/)
              --home DIR             the distribution (default: the one bin/hearth is in)

            status:
              --admin URL            the admin endpoint (default http://127.0.0.1:8081)
              --timeout SEC          how long to wait for it (default 5)

            check:
              --home DIR             the distribution (default: the one bin/hearth is in)
            """;

    private static final Set<String> START_OPTIONS = Set.of("home", "state", "etc", "gateway-port", "admin-port",
            "broker-port", "start-timeout", "log-level", "userland");
    private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

    private CommandLine() {
    }

    /**
     * Parses the arguments.
     *
     * @param args        the arguments, command first
     * @param defaultHome the distribution the launcher runs from ({@code hearth.home}), if known
     * @throws UsageException saying what is wrong
     */
    public static Command parse(List<String> args, Optional<Path> defaultHome) {
        if (args.isEmpty()) {
            throw new UsageException("no command given");
        }
        String command = args.get(0);
        Map<String, List<String>> options = options(command, args.subList(1, args.size()));
        return switch (command) {
            case "run" -> start(Mode.RUN, options, defaultHome);
            case "demo" -> start(Mode.DEMO, options, defaultHome);
            case "status" -> {
                allow(command, options, Set.of("admin", "timeout"));
                yield new Command.Status(uri(single(options, "admin").orElse(DEFAULT_ADMIN.toString())),
                        single(options, "timeout").map(v -> seconds("timeout", v)).orElse(DEFAULT_STATUS_TIMEOUT));
            }
            case "check" -> {
                allow(command, options, Set.of("home"));
                yield new Command.Check(distribution(options, defaultHome));
            }
            case "help", "--help", "-h" -> {
                allow(command, options, Set.of());
                yield new Command.Help();
            }
            default -> throw new UsageException("unknown command '" + command + "'");
        };
    }

    private static Command start(Mode mode, Map<String, List<String>> options, Optional<Path> defaultHome) {
        String command = mode.name().toLowerCase(Locale.ROOT);
        allow(command, options, START_OPTIONS);
        if (mode == Mode.RUN && options.containsKey("broker-port")) {
            throw new UsageException("--broker-port applies to demo only: run has no embedded broker");
        }
        StartOptions start = new StartOptions(distribution(options, defaultHome),
                single(options, "state").map(Path::of),
                options.getOrDefault("etc", List.of()).stream().map(Path::of).toList(),
                port(options, "gateway-port"), port(options, "admin-port"), port(options, "broker-port"),
                single(options, "start-timeout").map(v -> seconds("start-timeout", v))
                        .orElse(StartOptions.DEFAULT_START_TIMEOUT),
                single(options, "log-level").map(CommandLine::logLevel),
                single(options, "userland").map(Path::of));
        return new Command.Start(mode, start);
    }

    private static Map<String, List<String>> options(String command, List<String> args) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("unexpected argument '" + arg + "' for " + command);
            }
            String name;
            String value;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                name = arg.substring(2, equals);
                value = arg.substring(equals + 1);
            } else {
                name = arg.substring(2);
                if (i + 1 >= args.size()) {
                    throw new UsageException("--" + name + " needs a value");
                }
                value = args.get(++i);
            }
            List<String> values = options.computeIfAbsent(name, k -> new ArrayList<>());
            if (!values.isEmpty() && !name.equals("etc")) {
                throw new UsageException("--" + name + " is given more than once");
            }
            values.add(value);
        }
        return options;
    }

    private static void allow(String command, Map<String, List<String>> options, Set<String> allowed) {
        for (String name : options.keySet()) {
            if (!allowed.contains(name)) {
                throw new UsageException("unknown option --" + name + " for " + command);
            }
        }
    }

    private static Optional<String> single(Map<String, List<String>> options, String name) {
        List<String> values = options.get(name);
        return values == null ? Optional.empty() : Optional.of(values.get(0));
    }

    private static Distribution distribution(Map<String, List<String>> options, Optional<Path> defaultHome) {
        return new Distribution(single(options, "home").map(Path::of).or(() -> defaultHome)
                .orElseThrow(() -> new UsageException(
                        "no distribution: start Hearth through its bin/hearth, or pass --home DIR")));
    }

    private static OptionalInt port(Map<String, List<String>> options, String name) {
        Optional<String> value = single(options, name);
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        int port = integer(name, value.get());
        if (port < 0 || port > 65_535) {
            throw new UsageException("--" + name + " must be a port number 0..65535, was " + value.get());
        }
        return OptionalInt.of(port);
    }

    private static Duration seconds(String name, String value) {
        int seconds = integer(name, value);
        if (seconds < 1) {
            throw new UsageException("--" + name + " must be at least 1 second, was " + value);
        }
        return Duration.ofSeconds(seconds);
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, was '" + value + "'");
        }
    }

    private static String logLevel(String value) {
        String level = value.toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            throw new UsageException("--log-level must be one of trace, debug, info, warn, error, off; was '"
                    + value + "'");
        }
        return level;
    }

    private static URI uri(String value) {
        try {
            URI uri = new URI(value);
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new UsageException("--admin must be an http URL such as " + DEFAULT_ADMIN + ", was '"
                        + value + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new UsageException("--admin is not a URL: " + e.getMessage());
        }
    }
}
