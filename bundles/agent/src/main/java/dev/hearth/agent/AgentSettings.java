package dev.hearth.agent;

import dev.hearth.agent.wire.CommandSignature;
import dev.hearth.agent.wire.Namespace;
import dev.hearth.agent.wire.TlsFiles;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How the agent connects, whom it obeys and what it keeps. Validated on construction; the message
 * names the field. Every default lives in the constants below.
 *
 * @param brokerUrl                {@code tcp://host:port} or {@code ssl://host:port}
 * @param namespace                the control prefix and account
 * @param clientId                 this device's MQTT client id (a topic level)
 * @param username                 empty for none
 * @param password                 empty for none; never logged
 * @param tls                      CA and client certificate files for {@code ssl://} brokers
 * @param allowedRequesters        hub client ids whose requests are obeyed; nobody else's are
 * @param hubKeys                  Ed25519 public keys of the hubs; a signed request must verify with one
 * @param signingRequired          when true, every request but GET must carry a valid signature
 * @param maxSignatureLifetimeMillis a signed request's expiry may lie at most this far ahead
 * @param telemetryIntervalSeconds seconds between periodic telemetry; 0 for only on state changes
 * @param storeDirectory           the outbox (store and forward) and the audit log live here
 * @param storeCapacity            messages the outbox keeps; beyond, the oldest telemetry goes
 * @param maxPayloadBytes          larger requests are refused with 400
 * @param keepAliveSeconds         MQTT keep-alive
 * @param reconnectMinMillis       first reconnect delay; doubles per failed attempt
 * @param reconnectMaxMillis       the longest reconnect delay (before jitter takes up to half off)
 */
public record AgentSettings(String brokerUrl, Namespace namespace, String clientId, String username, String password,
                            TlsFiles tls, Set<String> allowedRequesters, List<PublicKey> hubKeys,
                            boolean signingRequired, long maxSignatureLifetimeMillis, int telemetryIntervalSeconds,
                            Path storeDirectory, int storeCapacity, int maxPayloadBytes, int keepAliveSeconds,
                            int reconnectMinMillis, int reconnectMaxMillis, int connectTimeoutMillis) {

    public static final String DEFAULT_BROKER_URL = "tcp://127.0.0.1:1883";
    public static final String DEFAULT_ACCOUNT = "hearth";
    public static final String DEFAULT_CLIENT_ID = "hearth-device";
    public static final String DEFAULT_ALLOWED_REQUESTERS = "hearth-hub";
    public static final long DEFAULT_MAX_SIGNATURE_LIFETIME_MILLIS = 300_000;
    public static final int DEFAULT_TELEMETRY_INTERVAL_SECONDS = 30;
    public static final int DEFAULT_STORE_CAPACITY = 10_000;
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
    public static final int DEFAULT_KEEP_ALIVE_SECONDS = 30;
    /** Reconnect delays: a home broker is near, so retry soon; the cap keeps a returning broker found within 2 s. */
    public static final int DEFAULT_RECONNECT_MIN_MILLIS = 100;
    public static final int DEFAULT_RECONNECT_MAX_MILLIS = 1_500;
    /**
     * How long one connection attempt (CONNECT and SUBSCRIBE) may take before it is abandoned and
     * retried. Short, so that a hung attempt does not delay finding a returning broker; an
     * emulated board, whose JVM is tens of times slower, needs it longer.
     */
    public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 1_500;

    public AgentSettings {
        require(brokerUrl != null && (brokerUrl.startsWith("tcp://") || brokerUrl.startsWith("ssl://")), "brokerUrl",
                "must start with tcp:// or ssl://, was " + quote(brokerUrl));
        require(namespace != null, "account", "must be given");
        require(Namespace.isSegment(clientId), "clientId", "must be one topic level, was " + quote(clientId));
        require(username != null, "username", "must not be null");
        require(password != null, "password", "must not be null");
        require(tls != null, "tls", "must not be null");
        require(allowedRequesters != null && !allowedRequesters.isEmpty(), "allowedRequesters",
                "must name at least one hub client id");
        allowedRequesters = Set.copyOf(allowedRequesters);
        hubKeys = List.copyOf(hubKeys);
        require(!signingRequired || !hubKeys.isEmpty(), "hubKeys", "must hold a key when signing is required");
        require(maxSignatureLifetimeMillis >= 1_000, "maxSignatureLifetimeMillis",
                "must be at least 1000, was " + maxSignatureLifetimeMillis);
        require(telemetryIntervalSeconds >= 0, "telemetryIntervalSeconds",
                "must not be negative, was " + telemetryIntervalSeconds);
        require(storeDirectory != null, "storeDirectory", "must be given");
        require(storeCapacity >= 1, "storeCapacity", "must be at least 1, was " + storeCapacity);
        require(maxPayloadBytes >= 1_024, "maxPayloadBytes", "must be at least 1024, was " + maxPayloadBytes);
        require(keepAliveSeconds >= 1, "keepAliveSeconds", "must be at least 1, was " + keepAliveSeconds);
        require(reconnectMinMillis >= 1, "reconnectMinMillis", "must be at least 1, was " + reconnectMinMillis);
        require(reconnectMaxMillis >= reconnectMinMillis, "reconnectMaxMillis",
                "must be at least reconnectMinMillis (" + reconnectMinMillis + "), was " + reconnectMaxMillis);
        require(connectTimeoutMillis >= 100, "connectTimeoutMillis", "must be at least 100, was " + connectTimeoutMillis);
    }

    /** Settings with every default, for a broker, a device and a store directory. */
    public static AgentSettings defaults(String brokerUrl, String clientId, Path storeDirectory) {
        return new AgentSettings(brokerUrl, Namespace.of(DEFAULT_ACCOUNT), clientId, "", "", TlsFiles.NONE,
                Set.of(DEFAULT_ALLOWED_REQUESTERS), List.of(), false, DEFAULT_MAX_SIGNATURE_LIFETIME_MILLIS,
                DEFAULT_TELEMETRY_INTERVAL_SECONDS, storeDirectory, DEFAULT_STORE_CAPACITY, DEFAULT_MAX_PAYLOAD_BYTES,
                DEFAULT_KEEP_ALIVE_SECONDS, DEFAULT_RECONNECT_MIN_MILLIS, DEFAULT_RECONNECT_MAX_MILLIS,
                DEFAULT_CONNECT_TIMEOUT_MILLIS);
    }

    public AgentSettings withCredentials(String username, String password) {
        return new AgentSettings(brokerUrl, namespace, clientId, username, password, tls, allowedRequesters, hubKeys,
                signingRequired, maxSignatureLifetimeMillis, telemetryIntervalSeconds, storeDirectory, storeCapacity,
                maxPayloadBytes, keepAliveSeconds, reconnectMinMillis, reconnectMaxMillis, connectTimeoutMillis);
    }

    public AgentSettings withTls(TlsFiles tls) {
        return new AgentSettings(brokerUrl, namespace, clientId, username, password, tls, allowedRequesters, hubKeys,
                signingRequired, maxSignatureLifetimeMillis, telemetryIntervalSeconds, storeDirectory, storeCapacity,
                maxPayloadBytes, keepAliveSeconds, reconnectMinMillis, reconnectMaxMillis, connectTimeoutMillis);
    }

    public AgentSettings withAllowedRequesters(Set<String> allowed) {
        return new AgentSettings(brokerUrl, namespace, clientId, username, password, tls, allowed, hubKeys,
                signingRequired, maxSignatureLifetimeMillis, telemetryIntervalSeconds, storeDirectory, storeCapacity,
                maxPayloadBytes, keepAliveSeconds, reconnectMinMillis, reconnectMaxMillis, connectTimeoutMillis);
    }

    public AgentSettings withSigning(List<PublicKey> keys, boolean required) {
        return new AgentSettings(brokerUrl, namespace, clientId, username, password, tls, allowedRequesters, keys,
                required, maxSignatureLifetimeMillis, telemetryIntervalSeconds, storeDirectory, storeCapacity,
                maxPayloadBytes, keepAliveSeconds, reconnectMinMillis, reconnectMaxMillis, connectTimeoutMillis);
    }

    public AgentSettings withTelemetryIntervalSeconds(int seconds) {
        return new AgentSettings(brokerUrl, namespace, clientId, username, password, tls, allowedRequesters, hubKeys,
                signingRequired, maxSignatureLifetimeMillis, seconds, storeDirectory, storeCapacity,
                maxPayloadBytes, keepAliveSeconds, reconnectMinMillis, reconnectMaxMillis, connectTimeoutMillis);
    }

    public AgentSettings withStoreCapacity(int capacity) {
        return new AgentSettings(brokerUrl, namespace, clientId, username, password, tls, allowedRequesters, hubKeys,
                signingRequired, maxSignatureLifetimeMillis, telemetryIntervalSeconds, storeDirectory, capacity,
                maxPayloadBytes, keepAliveSeconds, reconnectMinMillis, reconnectMaxMillis, connectTimeoutMillis);
    }

    public AgentSettings withMaxPayloadBytes(int bytes) {
        return new AgentSettings(brokerUrl, namespace, clientId, username, password, tls, allowedRequesters, hubKeys,
                signingRequired, maxSignatureLifetimeMillis, telemetryIntervalSeconds, storeDirectory, storeCapacity,
                bytes, keepAliveSeconds, reconnectMinMillis, reconnectMaxMillis, connectTimeoutMillis);
    }

    public AgentSettings withConnectTimeoutMillis(int millis) {
        return new AgentSettings(brokerUrl, namespace, clientId, username, password, tls, allowedRequesters, hubKeys,
                signingRequired, maxSignatureLifetimeMillis, telemetryIntervalSeconds, storeDirectory, storeCapacity,
                maxPayloadBytes, keepAliveSeconds, reconnectMinMillis, reconnectMaxMillis, millis);
    }

    /** Hub keys from their Base64 X.509 encodings. */
    public static List<PublicKey> keys(String... base64) {
        return java.util.Arrays.stream(base64).filter(s -> !s.isBlank()).map(CommandSignature::publicKey).toList();
    }

    Path outboxDirectory() {
        return storeDirectory.resolve("outbox");
    }

    Path auditLogFile() {
        return storeDirectory.resolve("audit.log");
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("agent settings: '" + field + "' " + problem);
        }
    }
}
