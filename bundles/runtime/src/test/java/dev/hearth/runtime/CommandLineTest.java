package dev.hearth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    private static final Optional<Path> HOME = Optional.of(Path.of("/opt/hearth"));

    private static Command parse(String... args) {
        return CommandLine.parse(List.of(args), HOME);
    }

    private static String refusal(String... args) {
        return assertThrows(UsageException.class, () -> parse(args)).getMessage();
    }

    @Test
    void demoWithPortsAndStateIsParsedIntoStartOptions() {
        Command.Start start = assertInstanceOf(Command.Start.class, parse("demo", "--gateway-port", "18080",
                "--admin-port=18081", "--broker-port", "11883", "--state", "/tmp/s", "--etc", "a", "--etc", "b",
                "--start-timeout", "90", "--log-level", "DEBUG"));

        assertEquals(Mode.DEMO, start.mode());
        StartOptions o = start.options();
        assertEquals(new Distribution(Path.of("/opt/hearth")), o.distribution());
        assertEquals(OptionalInt.of(18080), o.gatewayPort());
        assertEquals(OptionalInt.of(18081), o.adminPort());
        assertEquals(OptionalInt.of(11883), o.brokerPort());
        assertEquals(Optional.of(Path.of("/tmp/s")), o.state());
        assertEquals(List.of(Path.of("a"), Path.of("b")), o.etcOverlays());
        assertEquals(Duration.ofSeconds(90), o.startTimeout());
        assertEquals(Optional.of("debug"), o.logLevel());
    }

    @Test
    void runWithoutOptionsTakesTheDefaults() {
        Command.Start start = assertInstanceOf(Command.Start.class, parse("run"));

        assertEquals(Mode.RUN, start.mode());
        assertEquals(Optional.empty(), start.options().state());
        assertEquals(OptionalInt.empty(), start.options().gatewayPort());
        assertEquals(StartOptions.DEFAULT_START_TIMEOUT, start.options().startTimeout());
        assertEquals(List.of(), start.options().etcOverlays());
        assertEquals(Optional.empty(), start.options().userland(), "bundles/ unless a userland store is named");
    }

    @Test
    void userlandNamesTheStoreTheBundlesComeFrom() {
        Command.Start start = assertInstanceOf(Command.Start.class,
                parse("run", "--userland", "/data/hearth/userland"));

        assertEquals(Optional.of(Path.of("/data/hearth/userland")), start.options().userland());
        assertEquals("--userland is given more than once",
                refusal("run", "--userland", "a", "--userland", "b"));
    }

    @Test
    void homeComesFromTheOptionBeforeTheLauncherProperty() {
        Command.Check check = assertInstanceOf(Command.Check.class, parse("check", "--home", "/elsewhere"));

        assertEquals(Path.of("/elsewhere"), check.distribution().home());
    }

    @Test
    void withoutAnyHomeTheUserIsToldHowToStart() {
        UsageException e = assertThrows(UsageException.class,
                () -> CommandLine.parse(List.of("run"), Optional.empty()));

        assertEquals("no distribution: start Hearth through its bin/hearth, or pass --home DIR", e.getMessage());
    }

    @Test
    void statusTakesAnAdminUrlAndATimeout() {
        Command.Status status = assertInstanceOf(Command.Status.class,
                parse("status", "--admin", "http://127.0.0.1:18081", "--timeout", "2"));

        assertEquals(URI.create("http://127.0.0.1:18081"), status.admin());
        assertEquals(Duration.ofSeconds(2), status.timeout());
        assertEquals(CommandLine.DEFAULT_ADMIN,
                assertInstanceOf(Command.Status.class, parse("status")).admin());
    }

    @Test
    void helpHasThreeSpellings() {
        for (String help : List.of("help", "--help", "-h")) {
            assertInstanceOf(Command.Help.class, parse(help));
        }
    }

    @Test
    void wrongCommandLinesAreRefusedSayingWhy() {
        assertEquals("no command given", refusal());
        assertEquals("unknown command 'start'", refusal("start"));
        assertEquals("unknown option --port for run", refusal("run", "--port", "1"));
        assertEquals("--broker-port applies to demo only: run has no embedded broker",
                refusal("run", "--broker-port", "1883"));
        assertEquals("--gateway-port must be a port number 0..65535, was 70000",
                refusal("demo", "--gateway-port", "70000"));
        assertEquals("--admin-port must be a whole number, was 'x'", refusal("demo", "--admin-port", "x"));
        assertEquals("--state needs a value", refusal("run", "--state"));
        assertEquals("--state is given more than once", refusal("run", "--state", "a", "--state", "b"));
        assertEquals("unexpected argument 'now' for run", refusal("run", "now"));
        assertEquals("--start-timeout must be at least 1 second, was 0", refusal("run", "--start-timeout", "0"));
        assertEquals("--log-level must be one of trace, debug, info, warn, error, off; was 'loud'",
                refusal("run", "--log-level", "loud"));
        assertEquals("--admin must be an http URL such as http://127.0.0.1:8081, was 'ftp://x'",
                refusal("status", "--admin", "ftp://x"));
        assertEquals("unknown option --state for status", refusal("status", "--state", "x"));
    }
}
