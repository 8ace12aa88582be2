package dev.hearth.rig.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.agent.wire.Method;
import dev.hearth.hub.CommandTimeoutException;
import dev.hearth.hub.Reply;
import dev.hearth.rig.Hub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The device on a board as a scenario uses it: its apps over the hub (OTA-V1, SVC-V1) and its
 * gateway over HTTP. Waits are polls with a deadline; a device that is rebooting simply does not
 * answer a poll, which is not an error until the deadline.
 */
public final class Device {

    static final ObjectMapper JSON = new ObjectMapper();
    /** An emulated JVM answers in seconds, not milliseconds. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_EVERY = Duration.ofSeconds(2);

    private final Hub hub;
    private final URI gateway;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();

    public Device(Hub hub, URI gateway) {
        this.hub = hub;
        this.gateway = gateway;
    }

    /** OTA-V1 GET status as JSON. */
    public JsonNode updateStatus() throws CommandTimeoutException {
        return json(require(hub.call("OTA-V1", Method.GET, "status", Map.of(), new byte[0], COMMAND_TIMEOUT), "OTA-V1 GET status"));
    }

    /** OTA-V1 EXEC install from {@code url}; the device answers at once and installs in the background. */
    public void install(URI url, boolean force) throws CommandTimeoutException {
        byte[] body = JSON.createObjectNode().put("url", url.toString()).put("force", force).toString()
                .getBytes(StandardCharsets.UTF_8);
        require(hub.call("OTA-V1", Method.EXEC, "install", Map.of(), body, COMMAND_TIMEOUT), "OTA-V1 EXEC install " + url);
    }

    /** SVC-V1 PUT services/{name} with a service spec. */
    public void deploy(String name, Map<String, Object> spec) throws CommandTimeoutException {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(spec);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        require(hub.call("SVC-V1", Method.PUT, "services/" + name, Map.of(), body, COMMAND_TIMEOUT), "SVC-V1 PUT services/" + name);
    }

    /** Polls the update status until {@code condition} holds; unanswered polls (a reboot) are retried. */
    public JsonNode awaitUpdateStatus(Predicate<JsonNode> condition, Duration timeout, String what) {
        JsonNode[] last = new JsonNode[1];
        String[] lastError = {""};
        return until(() -> {
            try {
                JsonNode s = updateStatus();
                last[0] = s;
                return condition.test(s) ? Optional.of(s) : Optional.empty();
            } catch (CommandTimeoutException | IllegalStateException e) {
                lastError[0] = e.getMessage();
                return Optional.empty();
            }
        }, timeout, () -> what + "; last status " + last[0] + (lastError[0].isEmpty() ? "" : "; last error " + lastError[0]));
    }

    /** An HTTP request through the board's gateway; {@code body} empty for none. */
    public HttpResponse<String> request(String method, String path, String body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("content-type", "application/json");
        b.method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + method + " " + path, e);
        }
    }

    /** Waits until the gateway answers {@code path} with {@code status} (the userland may still be starting). */
    public HttpResponse<String> awaitGateway(String path, int status, Duration timeout) {
        String[] last = {"no answer"};
        return until(() -> {
            try {
                HttpResponse<String> r = request("GET", path, "");
                last[0] = r.statusCode() + " " + r.body();
                return r.statusCode() == status ? Optional.of(r) : Optional.empty();
            } catch (IOException e) {
                last[0] = e.toString();
                return Optional.empty();
            }
        }, timeout, () -> "the gateway answering GET " + path + " with " + status + "; last: " + last[0]);
    }

    /** Polls {@code probe} every 2 s until it gives a value; past {@code timeout} fails with {@code what}. */
    static <T> T until(Supplier<Optional<T>> probe, Duration timeout, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what.get());
            }
            pause(POLL_EVERY);
        }
    }

    /** Waits without holding a thread's monitor: the pause between two polls. */
    static void pause(Duration d) {
        new CompletableFuture<Void>().completeOnTimeout(null, d.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    private static Reply require(Reply r, String what) {
        if (!r.ok()) {
            throw new IllegalStateException(what + ": " + r.code() + " " + r.message() + " " + r.body());
        }
        return r;
    }

    private static JsonNode json(Reply r) {
        try {
            return JSON.readTree(r.payload().body());
        } catch (IOException e) {
            throw new IllegalStateException("the device's reply is not JSON: " + r.body(), e);
        }
    }
}
