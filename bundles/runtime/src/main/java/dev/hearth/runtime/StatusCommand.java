package dev.hearth.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@code hearth status}: asks the admin endpoint for {@code /api/services} and prints a table. */
final class StatusCommand {

    /** The admin endpoint's list of services. */
    static final String SERVICES_PATH = "/api/services";

    private final URI admin;
    private final Duration timeout;

    StatusCommand(URI admin, Duration timeout) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Prints the table to {@code out}, or the problem to {@code err}; returns the exit status. */
    int run(PrintStream out, PrintStream err) {
        URI uri = admin.resolve(SERVICES_PATH);
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            err.println("hearth status: the admin endpoint " + uri + " did not answer within "
                    + timeout.toSeconds() + " s");
            return 1;
        } catch (IOException e) {
            err.println("hearth status: cannot reach the admin endpoint " + uri + " (" + describe(e)
                    + "). Is Hearth running? Start it with ./hearth demo, or pass --admin URL.");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("hearth status: interrupted");
            return 1;
        }
        if (response.statusCode() != 200) {
            err.println("hearth status: " + uri + " answered " + response.statusCode());
            return 1;
        }
        List<Map<String, Object>> services;
        try {
            services = new ObjectMapper().readValue(response.body(), new TypeReference<>() { });
        } catch (JsonProcessingException e) {
            err.println("hearth status: " + uri + " did not answer a JSON array of services: "
                    + e.getOriginalMessage());
            return 1;
        }
        out.print(StatusTable.render(services));
        return 0;
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }
}
