package dev.hearth.gateway;

import java.util.regex.Pattern;

/**
 * How the gateway listens and answers. Validated on construction; the message names the field.
 *
 * @param host                 the address to bind
 * @param port                 the port to bind, 0 for an ephemeral one
 * @param domain               requests with {@code Host: <service>.<domain>} go to that service
 * @param retryAfterSeconds    the {@code Retry-After} sent with a 503
 * @param readTimeoutMillis    how long a client may keep the gateway waiting for request headers
 *                             (from its first byte), for more body, or to take response bytes; also how
 *                             long an idle keep-alive connection stays open
 * @param maxInitialLineLength the longest request line accepted; longer is refused with 400
 * @param maxHeaderSize        the most header bytes per request; more is refused with 431
 * @param ioThreads            event loop threads serving connections, 0 for one per core; one more
 *                             thread accepts connections
 */
public record GatewaySettings(String host, int port, String domain, int retryAfterSeconds, int readTimeoutMillis,
                              int maxInitialLineLength, int maxHeaderSize, int ioThreads) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_DOMAIN = "hearth.local";
    public static final int DEFAULT_RETRY_AFTER_SECONDS = 1;
    public static final int DEFAULT_READ_TIMEOUT_MILLIS = 30_000;
    public static final int DEFAULT_MAX_INITIAL_LINE_LENGTH = 8_192;
    public static final int DEFAULT_MAX_HEADER_SIZE = 16_384;
    public static final int DEFAULT_IO_THREADS = 0;

    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    public GatewaySettings {
        require(host != null && !host.isBlank(), "host", "must not be empty");
        require(port >= 0 && port <= 65_535, "port", "must be 0..65535, was " + port);
        require(domain != null && domain.length() <= 253 && DOMAIN.matcher(domain).matches(), "domain",
                "must be a lower-case DNS name such as 'hearth.local', was " + (domain == null ? "nothing" : "'" + domain + "'"));
        require(retryAfterSeconds >= 0, "retryAfterSeconds", "must not be negative, was " + retryAfterSeconds);
        require(readTimeoutMillis >= 1, "readTimeoutMillis", "must be at least 1, was " + readTimeoutMillis);
        require(maxInitialLineLength >= 64, "maxInitialLineLength", "must be at least 64, was " + maxInitialLineLength);
        require(maxHeaderSize >= 256, "maxHeaderSize", "must be at least 256, was " + maxHeaderSize);
        require(ioThreads >= 0, "ioThreads", "must not be negative, was " + ioThreads);
    }

    public static GatewaySettings defaults() {
        return new GatewaySettings(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_DOMAIN, DEFAULT_RETRY_AFTER_SECONDS,
                DEFAULT_READ_TIMEOUT_MILLIS, DEFAULT_MAX_INITIAL_LINE_LENGTH, DEFAULT_MAX_HEADER_SIZE, DEFAULT_IO_THREADS);
    }

    public GatewaySettings withPort(int port) {
        return new GatewaySettings(host, port, domain, retryAfterSeconds, readTimeoutMillis, maxInitialLineLength,
                maxHeaderSize, ioThreads);
    }

    public GatewaySettings withDomain(String domain) {
        return new GatewaySettings(host, port, domain, retryAfterSeconds, readTimeoutMillis, maxInitialLineLength,
                maxHeaderSize, ioThreads);
    }

    public GatewaySettings withReadTimeoutMillis(int readTimeoutMillis) {
        return new GatewaySettings(host, port, domain, retryAfterSeconds, readTimeoutMillis, maxInitialLineLength,
                maxHeaderSize, ioThreads);
    }

    public GatewaySettings withLimits(int maxInitialLineLength, int maxHeaderSize) {
        return new GatewaySettings(host, port, domain, retryAfterSeconds, readTimeoutMillis, maxInitialLineLength,
                maxHeaderSize, ioThreads);
    }

    public GatewaySettings withRetryAfterSeconds(int retryAfterSeconds) {
        return new GatewaySettings(host, port, domain, retryAfterSeconds, readTimeoutMillis, maxInitialLineLength,
                maxHeaderSize, ioThreads);
    }

    ListenerSettings listener() {
        return new ListenerSettings("gateway", host, port, readTimeoutMillis, maxInitialLineLength, maxHeaderSize,
                ioThreads);
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("gateway settings: '" + field + "' " + problem);
        }
    }
}
