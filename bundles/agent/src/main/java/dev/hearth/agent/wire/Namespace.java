package dev.hearth.agent.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kura's topic namespace for one account: control requests, replies, notifications, the lifecycle
 * certificates and data. The single place where these topics are spelled.
 *
 * @param controlPrefix {@code $EDC} unless configured otherwise
 * @param account       the account (Kapua tenant) the devices belong to
 */
public record Namespace(String controlPrefix, String account) {

    public static final String DEFAULT_CONTROL_PREFIX = "$EDC";
    /** The app id of Hearth's own data topics. */
    public static final String HEARTH_APP = "HEARTH";
    /** The app id of the lifecycle certificates (BIRTH, DC, APPS, LWT): never a request. */
    public static final String LIFECYCLE_APP = "MQTT";
    /** The first level of device event topics below {@link #HEARTH_APP}. */
    public static final String EVENTS = "events";

    private static final Pattern SEGMENT = Pattern.compile("[^/+#\\u0000]+");

    public Namespace {
        requireSegment(controlPrefix, "controlPrefix");
        requireSegment(account, "account");
    }

    public static Namespace of(String account) {
        return new Namespace(DEFAULT_CONTROL_PREFIX, account);
    }

    /** True for a string that may stand as one topic level (no '/', '+', '#', not empty). */
    public static boolean isSegment(String s) {
        return s != null && SEGMENT.matcher(s).matches();
    }

    public String request(String clientId, String appId, Method method, String resource) {
        String base = control(clientId) + "/" + appId + "/" + method.name();
        return resource.isEmpty() ? base : base + "/" + resource;
    }

    /** The filter a device subscribes to for its requests. */
    public String requestFilter(String clientId) {
        return control(clientId) + "/#";
    }

    public String reply(String requesterClientId, String appId, String requestId) {
        return control(requesterClientId) + "/" + appId + "/REPLY/" + requestId;
    }

    /** The filter a requester subscribes to for its replies (every app). */
    public String replyFilter(String requesterClientId) {
        return control(requesterClientId) + "/+/REPLY/#";
    }

    public String notification(String requesterClientId, String appId, String clientId, String type) {
        return control(requesterClientId) + "/" + appId + "/NOTIFY/" + clientId + "/" + type;
    }

    public String birth(String clientId) {
        return control(clientId) + "/" + LIFECYCLE_APP + "/BIRTH";
    }

    public String disconnect(String clientId) {
        return control(clientId) + "/" + LIFECYCLE_APP + "/DC";
    }

    public String apps(String clientId) {
        return control(clientId) + "/" + LIFECYCLE_APP + "/APPS";
    }

    public String lastWill(String clientId) {
        return control(clientId) + "/" + LIFECYCLE_APP + "/LWT";
    }

    /** Lifecycle certificates of every device of the account. */
    public String lifecycleFilter() {
        return controlPrefix + "/" + account + "/+/" + LIFECYCLE_APP + "/+";
    }

    public String data(String clientId, String appId, String appTopic) {
        return account + "/" + clientId + "/" + appId + "/" + appTopic;
    }

    /** Hearth's telemetry topic: {@code <account>/<client-id>/HEARTH/metrics}. */
    public String metrics(String clientId) {
        return data(clientId, HEARTH_APP, "metrics");
    }

    /** Hearth's retained copy of the last birth certificate (and its online flag). */
    public String status(String clientId) {
        return data(clientId, HEARTH_APP, "status");
    }

    /** A device event: {@code <account>/<client-id>/HEARTH/events/<path>}, {@code path} one or more levels. */
    public String event(String clientId, String path) {
        if (!isEventPath(path)) {
            throw new IllegalArgumentException("namespace: an event path is one or more topic levels, was '" + path + "'");
        }
        return data(clientId, HEARTH_APP, EVENTS + "/" + path);
    }

    /** Device events of every device of the account. */
    public String eventFilter() {
        return account + "/+/" + HEARTH_APP + "/" + EVENTS + "/#";
    }

    /** The path of a device event topic of this account ({@code updater/ROLLED_BACK}); empty for any other topic. */
    public Optional<String> eventPathOf(String topic) {
        String[] parts = topic.split("/", 5);
        if (parts.length == 5 && parts[0].equals(account) && parts[2].equals(HEARTH_APP) && parts[3].equals(EVENTS)) {
            return Optional.of(parts[4]);
        }
        return Optional.empty();
    }

    /** True for one or more topic levels, each a {@link #isSegment segment}. */
    public static boolean isEventPath(String path) {
        return path != null && Arrays.stream(path.split("/", -1)).allMatch(Namespace::isSegment);
    }

    public String dataFilter(String appId, String appTopic) {
        return account + "/+/" + appId + "/" + appTopic;
    }

    /**
     * The parts of a request topic addressed to {@code clientId}; empty for any other topic
     * (another device, another account, too short).
     */
    public Optional<ControlTopic> parseRequest(String topic, String clientId) {
        String head = control(clientId) + "/";
        if (!topic.startsWith(head)) {
            return Optional.empty();
        }
        List<String> rest = Arrays.asList(topic.substring(head.length()).split("/", -1));
        if (rest.size() < 2 || rest.get(0).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ControlTopic(rest.get(0), rest.get(1), rest.subList(2, rest.size())));
    }

    /** The client id of a lifecycle or data topic of this account; empty otherwise. */
    public Optional<String> clientIdOf(String topic) {
        String[] parts = topic.split("/", -1);
        if (topic.startsWith(controlPrefix + "/" + account + "/") && parts.length >= 3) {
            return Optional.of(parts[2]);
        }
        if (topic.startsWith(account + "/") && parts.length >= 2) {
            return Optional.of(parts[1]);
        }
        return Optional.empty();
    }

    private String control(String clientId) {
        return controlPrefix + "/" + account + "/" + clientId;
    }

    private static void requireSegment(String s, String field) {
        if (!isSegment(s)) {
            throw new IllegalArgumentException("namespace: '" + field + "' must be one topic level, was "
                    + (s == null ? "nothing" : "'" + s + "'"));
        }
    }
}
