package dev.hearth.hub;

import dev.hearth.agent.wire.Namespace;
import dev.hearth.agent.wire.TlsFiles;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Optional;

/**
 * How the hub reaches the broker and signs its commands.
 *
 * @param brokerUrl         {@code tcp://host:port} or {@code ssl://host:port}
 * @param namespace         control prefix and account
 * @param clientId          the hub's client id, which devices must have on their allow-list
 * @param username          empty for none
 * @param password          empty for none
 * @param signingKey        Ed25519 key to sign commands with; empty to send them unsigned
 * @param signatureLifetime how long a signed command stays valid
 * @param tls               CA and client certificate files for {@code ssl://} brokers
 */
public record HubSettings(String brokerUrl, Namespace namespace, String clientId, String username, String password,
                          Optional<PrivateKey> signingKey, Duration signatureLifetime, TlsFiles tls) {

    public static final String DEFAULT_BROKER_URL = "tcp://127.0.0.1:1883";
    public static final String DEFAULT_CLIENT_ID = "hearth-hub";
    public static final Duration DEFAULT_SIGNATURE_LIFETIME = Duration.ofSeconds(60);

    public HubSettings {
        if (brokerUrl == null || !(brokerUrl.startsWith("tcp://") || brokerUrl.startsWith("ssl://"))) {
            throw new IllegalArgumentException("hub settings: 'brokerUrl' must start with tcp:// or ssl://, was " + brokerUrl);
        }
        if (!Namespace.isSegment(clientId)) {
            throw new IllegalArgumentException("hub settings: 'clientId' must be one topic level, was " + clientId);
        }
        java.util.Objects.requireNonNull(tls, "tls");
    }

    public static HubSettings of(String brokerUrl, String clientId) {
        return new HubSettings(brokerUrl, Namespace.of("hearth"), clientId, "", "", Optional.empty(),
                DEFAULT_SIGNATURE_LIFETIME, TlsFiles.NONE);
    }

    public HubSettings withCredentials(String user, String pass) {
        return new HubSettings(brokerUrl, namespace, clientId, user, pass, signingKey, signatureLifetime, tls);
    }

    public HubSettings withSigningKey(PrivateKey key) {
        return new HubSettings(brokerUrl, namespace, clientId, username, password, Optional.of(key), signatureLifetime, tls);
    }

    public HubSettings withNamespace(Namespace ns) {
        return new HubSettings(brokerUrl, ns, clientId, username, password, signingKey, signatureLifetime, tls);
    }

    public HubSettings withTls(TlsFiles files) {
        return new HubSettings(brokerUrl, namespace, clientId, username, password, signingKey, signatureLifetime, files);
    }
}
