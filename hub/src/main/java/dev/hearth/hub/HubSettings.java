package dev.hearth.hub;

import dev.hearth.agent.wire.Namespace;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Optional;

/**
 * How the hub reaches the broker and signs its commands.
 *
 * @param brokerUrl         {@code tcp://host:port}
 * @param namespace         control prefix and account
 * @param clientId          the hub's client id, which devices must have on their allow-list
 * @param username          empty for none
 * @param password          empty for none
 * @param signingKey        Ed25519 key to sign commands with; empty to send them unsigned
 * @param signatureLifetime how long a signed command stays valid
 */
public record HubSettings(String brokerUrl, Namespace namespace, String clientId, String username, String password,
                          Optional<PrivateKey> signingKey, Duration signatureLifetime) {

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
    }

    public static HubSettings of(String brokerUrl, String clientId) {
        return new HubSettings(brokerUrl, Namespace.of("hearth"), clientId, "", "", Optional.empty(),
                DEFAULT_SIGNATURE_LIFETIME);
    }

    public HubSettings withCredentials(String user, String pass) {
        return new HubSettings(brokerUrl, namespace, clientId, user, pass, signingKey, signatureLifetime);
    }

    public HubSettings withSigningKey(PrivateKey key) {
        return new HubSettings(brokerUrl, namespace, clientId, username, password, Optional.of(key), signatureLifetime);
    }

    public HubSettings withNamespace(Namespace ns) {
        return new HubSettings(brokerUrl, ns, clientId, username, password, signingKey, signatureLifetime);
    }
}
