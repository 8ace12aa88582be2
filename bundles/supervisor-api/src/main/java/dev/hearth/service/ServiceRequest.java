package dev.hearth.service;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP request as a service sees it.
 *
 * @param method        HTTP method, upper case
 * @param path          the path inside the service, always starting with {@code /} (the gateway
 *                      strips the {@code /<service>} prefix)
 * @param query         the raw query string without {@code ?}, empty when there is none
 * @param headers       header names in lower case, each with its values in arrival order
 * @param body          the request body; streamed, read it at most once
 * @param contentLength the body length in bytes, or {@code -1} when the client did not say (chunked)
 */
public record ServiceRequest(String method, String path, String query, Map<String, List<String>> headers,
                             InputStream body, long contentLength) {

    public ServiceRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("request path must start with '/': " + path);
        }
    }

    /** A request without a body. */
    public static ServiceRequest of(String method, String path) {
        return new ServiceRequest(method, path, "", Map.of(), InputStream.nullInputStream(), 0);
    }

    /** The first value of a header, looked up case-insensitively. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
}
