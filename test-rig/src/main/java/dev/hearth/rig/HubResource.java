package dev.hearth.rig;

/**
 * The rig's hub: the broker its boards' agents connect to and how the rig speaks there.
 *
 * @param brokerUrl {@code tcp://host:port} or {@code ssl://host:port}, as the rig's host reaches it
 * @param account   the Kura account (topic namespace) of the devices
 * @param clientId  the rig's client id, which the devices must have on their allow-list
 */
public record HubResource(String brokerUrl, String account, String clientId) {

    public static final String DEFAULT_ACCOUNT = "hearth";
    public static final String DEFAULT_CLIENT_ID = "hearth-hub";

    public HubResource {
        if (!(brokerUrl.startsWith("tcp://") || brokerUrl.startsWith("ssl://"))) {
            throw new IllegalArgumentException("hub: 'broker' must start with tcp:// or ssl://, was " + brokerUrl);
        }
        if (!account.matches("[A-Za-z0-9_.-]+") || !clientId.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("hub: 'account' and 'clientId' must be one topic level, were " + account + ", " + clientId);
        }
    }
}
