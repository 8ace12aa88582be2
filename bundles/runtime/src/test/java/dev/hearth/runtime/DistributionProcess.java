package dev.hearth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The assembled distribution running as a child process, the way a person starts it:
 * {@code bin/hearth <command> …}. Its output goes to a log file under {@code target/it/}.
 */
final class DistributionProcess implements AutoCloseable {

    static final Duration START_DEADLINE = Duration.ofSeconds(90);
    static final Duration STOP_DEADLINE = Duration.ofSeconds(45);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private DistributionProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The distribution the build assembled. */
    static Path built() {
        String path = System.getProperty("hearth.distribution");
        assertTrue(path != null && Files.isExecutable(Path.of(path, "bin", "hearth")),
                "the assembled distribution (system property hearth.distribution) is needed: " + path);
        return Path.of(path);
    }

    /** A folder for one test's files, under target/it/. */
    static Path workFolder(String name) throws IOException {
        Path folder = built().getParent().resolve("it").resolve(name);
        if (Files.exists(folder)) {
            try (var walk = Files.walk(folder)) {
                for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectories(folder);
    }

    /** A loopback port that was free a moment ago. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DistributionProcess start(Path home, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin").resolve("hearth").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("HEARTH_JAVA_OPTS", "-Xmx256m");
        return new DistributionProcess(builder.start(), log);
    }

    /** Everything the process printed so far. */
    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the process to end and returns its exit status. */
    int awaitExit(Duration deadline) throws InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("hearth did not exit within " + deadline.toSeconds() + " s; output:\n" + output());
        }
        return process.exitValue();
    }

    /** Sends SIGTERM and returns the exit status. */
    int terminate() throws InterruptedException {
        process.destroy();
        return awaitExit(STOP_DEADLINE);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Polls until the condition holds, failing with the output when the process ends or time runs out. */
    void await(String what, Duration deadline, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                fail("hearth exited (" + process.exitValue() + ") while waiting for " + what + "; output:\n" + output());
            }
            if (System.nanoTime() > end) {
                fail("no " + what + " within " + deadline.toSeconds() + " s; output:\n" + output());
            }
            process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Waits until the admin endpoint answers. */
    void awaitAdmin(int adminPort) throws InterruptedException {
        await("admin endpoint on port " + adminPort, START_DEADLINE, () -> {
            try {
                return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/api/services"))
                        .GET().build()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Sends a request and reads the whole body as text. */
    HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    HttpClient http() {
        return http;
    }

    /** The admin endpoint's view of one service. */
    Map<String, Object> service(int adminPort, String name) throws IOException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + adminPort + "/api/services")).GET().build());
        assertEquals(200, response.statusCode(), response.body());
        List<Map<String, Object>> services = JSON.readValue(response.body(), new TypeReference<>() { });
        return services.stream().filter(s -> name.equals(s.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no service " + name + " in " + response.body()));
    }

    static long number(Map<String, Object> service, String field) {
        Object value = service.get(field);
        assertTrue(value instanceof Number, field + " is not a number in " + service);
        return ((Number) value).longValue();
    }

    static Map<String, Object> json(String text) throws IOException {
        return JSON.readValue(text, new TypeReference<>() { });
    }

    static List<Map<String, Object>> jsonArray(String text) throws IOException {
        return JSON.readValue(text, new TypeReference<>() { });
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
