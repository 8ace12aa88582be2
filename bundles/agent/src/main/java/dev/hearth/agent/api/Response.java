package dev.hearth.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.agent.wire.MetricNames;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an app answers: a Kura response code, extra metrics, a body (JSON for Hearth's apps), and
 * optionally something to do once the reply is on its way (a reboot).
 */
public record Response(int code, Map<String, Object> metrics, byte[] body, Optional<Runnable> afterReply) {

    public static final int OK = 200;
    public static final int BAD_REQUEST = 400;
    public static final int NOT_FOUND = 404;
    public static final int ERROR = 500;

    private static final ObjectMapper JSON = new ObjectMapper();

    public Response {
        metrics = Map.copyOf(metrics);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(afterReply, "afterReply");
    }

    public static Response json(Object value) {
        try {
            return new Response(OK, Map.of(), JSON.writeValueAsBytes(value), Optional.empty());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a reply as JSON: " + e.getMessage(), e);
        }
    }

    public static Response ok() {
        return new Response(OK, Map.of(), new byte[0], Optional.empty());
    }

    public static Response badRequest(String message) {
        return failure(BAD_REQUEST, message, "");
    }

    public static Response notFound(String message) {
        return failure(NOT_FOUND, message, "");
    }

    public static Response error(String context, Throwable cause) {
        StringWriter stack = new StringWriter();
        cause.printStackTrace(new PrintWriter(stack));
        return failure(ERROR, context + ": " + cause, stack.toString());
    }

    public Response then(Runnable action) {
        return new Response(code, metrics, body, Optional.of(action));
    }

    /** The failure message, empty for a success. */
    public String message() {
        return metrics.getOrDefault(MetricNames.EXCEPTION_MESSAGE, "").toString();
    }

    private static Response failure(int code, String message, String stack) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(MetricNames.EXCEPTION_MESSAGE, message);
        if (!stack.isEmpty()) {
            m.put(MetricNames.EXCEPTION_STACK, stack);
        }
        return new Response(code, m, message.getBytes(StandardCharsets.UTF_8), Optional.empty());
    }
}
