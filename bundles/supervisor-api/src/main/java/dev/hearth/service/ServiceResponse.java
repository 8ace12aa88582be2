package dev.hearth.service;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP response from a service.
 *
 * @param status        HTTP status code
 * @param headers       response headers (names as the service wrote them)
 * @param body          the response body; the gateway streams it to the client and closes it
 * @param contentLength the body length in bytes, or {@code -1} to send it chunked
 */
public record ServiceResponse(int status, Map<String, String> headers, InputStream body, long contentLength) {

    public ServiceResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status out of range: " + status);
        }
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }

    /** A response whose body is already in memory. */
    public static ServiceResponse of(int status, String contentType, byte[] body) {
        return new ServiceResponse(status, Map.of("content-type", contentType), new ByteArrayInputStream(body),
                body.length);
    }

    /** A JSON response; {@code json} is already serialized. */
    public static ServiceResponse json(int status, String json) {
        return of(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** A response with no body. */
    public static ServiceResponse empty(int status) {
        return new ServiceResponse(status, Map.of(), InputStream.nullInputStream(), 0);
    }
}
