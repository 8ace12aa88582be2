package dev.hearth.services.notes;

import dev.hearth.service.ServiceResponse;
import java.util.Map;
import java.util.Objects;

/**
 * A request the service refuses, answered as {@code {"error": message}} with an HTTP status.
 *
 * @param status  a 4xx status
 * @param message for the client; names the problem, never echoes stored notes
 * @param headers extra response headers ({@code allow} for 405)
 */
public record Problem(int status, String message, Map<String, String> headers) implements DraftReading {

    public Problem {
        if (status < 400 || status > 499) {
            throw new IllegalArgumentException("a problem is a 4xx status, was " + status);
        }
        Objects.requireNonNull(message, "message");
        headers = Map.copyOf(headers);
    }

    public static Problem badRequest(String message) {
        return new Problem(400, message, Map.of());
    }

    public static Problem notFound(String message) {
        return new Problem(404, message, Map.of());
    }

    public static Problem methodNotAllowed(String method, String allowed) {
        return new Problem(405, "method " + method + " is not allowed here (allowed: " + allowed + ")",
                Map.of("allow", allowed));
    }

    public static Problem tooLarge(int maxBytes) {
        return new Problem(413, "the request body is larger than " + maxBytes + " bytes", Map.of());
    }

    /** The problem as a JSON response. */
    public ServiceResponse response() {
        return NoteJson.respond(status, NoteJson.error(message), headers);
    }
}
