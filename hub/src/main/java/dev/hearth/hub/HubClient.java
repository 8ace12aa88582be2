package dev.hearth.hub;

import dev.hearth.agent.wire.CommandSignature;
import dev.hearth.agent.wire.ConnectFailure;
import dev.hearth.agent.wire.MalformedPayloadException;
import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.MetricNames;
import dev.hearth.agent.wire.Namespace;
import dev.hearth.agent.wire.NoDelaySocketFactory;
import dev.hearth.agent.wire.Payload;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The hub's side of the control namespace: sends commands to devices and awaits their replies,
 * and watches their lifecycle certificates and telemetry. Thread-safe.
 */
public final class HubClient implements AutoCloseable {

    private static final int MAX_INFLIGHT = 1_000;

    private final HubSettings settings;
    private final Namespace ns;
    private final MqttAsyncClient client;
    private final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final List<Consumer<DeviceEvent>> watchers = new CopyOnWriteArrayList<>();
    private final List<Consumer<Notification>> listeners = new CopyOnWriteArrayList<>();
    /**
     * Device events seen so far, replayed to a watcher that registers late: the broker sends
     * retained certificates as soon as the subscription exists, which is before any caller of
     * {@link #connect} can call {@link #watch}. Bounded; guarded by itself.
     */
    private final java.util.ArrayDeque<DeviceEvent> seen = new java.util.ArrayDeque<>();
    private static final int SEEN_LIMIT = 1_000;
    private final String session = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong ids = new AtomicLong();

    private HubClient(HubSettings settings) throws MqttException {
        this.settings = settings;
        this.ns = settings.namespace();
        // The requester id (allow-list, reply topics, signatures) is settings.clientId(); each
        // connection gets its own MQTT client id beside it, so that two hub commands run at once,
        // or one right after another, never take over each other's session at the broker.
        client = new MqttAsyncClient(settings.brokerUrl(), connectionId(settings.clientId()), new MemoryPersistence());
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                if (reconnect) {
                    subscribeAsync(); // a clean session lost its subscriptions; never wait on Paho's callback thread
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
                // Paho reconnects; replies in flight are still awaited until their timeout.
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                arrived(topic, message);
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
    }

    /** {@code <requester>-<8 hex digits>}, within MQTT 3.1.1's 23 characters when the requester id allows. */
    static String connectionId(String requester) {
        String suffix = "-" + String.format("%08x", java.util.concurrent.ThreadLocalRandom.current().nextInt());
        return requester.substring(0, Math.min(requester.length(), Math.max(1, 23 - suffix.length()))) + suffix;
    }

    /**
     * Connects to the broker and subscribes to replies, lifecycle certificates and telemetry.
     *
     * @throws BrokerUnreachableException with a message saying why (refused, TLS trust, credentials)
     */
    public static HubClient connect(HubSettings settings, Duration timeout) throws BrokerUnreachableException {
        HubClient hub;
        try {
            hub = new HubClient(settings);
        } catch (MqttException e) {
            throw new BrokerUnreachableException(ConnectFailure.describe(settings.brokerUrl(), e), e);
        }
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        o.setAutomaticReconnect(true);
        o.setMaxInflight(MAX_INFLIGHT);
        o.setConnectionTimeout((int) Math.max(1, timeout.toSeconds()));
        o.setSocketFactory(NoDelaySocketFactory.forBroker(settings.brokerUrl(), settings.tls()));
        if (!settings.username().isEmpty()) {
            o.setUserName(settings.username());
            o.setPassword(settings.password().toCharArray());
        }
        try {
            hub.client.connect(o).waitForCompletion(timeout.toMillis());
        } catch (MqttException e) {
            try {
                hub.client.close(true);
            } catch (MqttException closing) {
                e.addSuppressed(closing);
            }
            throw new BrokerUnreachableException(ConnectFailure.describe(settings.brokerUrl(), e), e);
        }
        hub.subscribe();
        return hub;
    }

    private void subscribe() {
        try {
            client.subscribe(filters(), new int[] {1, 1, 1, 1, 1}).waitForCompletion(10_000);
        } catch (MqttException e) {
            throw new IllegalStateException("hub: cannot subscribe on " + settings.brokerUrl() + ": " + e, e);
        }
    }

    /** Replies, lifecycle certificates, Hearth telemetry, device events and the progress notifications of this hub's jobs. */
    private String[] filters() {
        return new String[] {ns.replyFilter(settings.clientId()), ns.lifecycleFilter(),
                ns.dataFilter(Namespace.HEARTH_APP, "+"), ns.eventFilter(),
                ns.controlPrefix() + "/" + ns.account() + "/" + settings.clientId() + "/+/NOTIFY/#"};
    }

    /** Calls {@code listener} for every progress notification of a job this hub started, from now on. */
    public void notifications(Consumer<Notification> listener) {
        listeners.add(listener);
    }

    private void subscribeAsync() {
        try {
            client.subscribe(filters(), new int[] {1, 1, 1, 1, 1});
        } catch (MqttException e) {
            throw new IllegalStateException("hub: cannot subscribe again on " + settings.brokerUrl() + ": " + e, e);
        }
    }

    /**
     * Calls {@code watcher} for every lifecycle certificate, telemetry message and device event of the
     * account, those seen before it registered first.
     */
    public void watch(Consumer<DeviceEvent> watcher) {
        synchronized (seen) {
            seen.forEach(watcher);
            watchers.add(watcher);
        }
    }

    /**
     * Sends a command; the future completes with the reply. Signed when the settings hold a key.
     * The future never times out by itself; see {@link #call}.
     */
    public CompletableFuture<Reply> send(String device, String appId, Method method, String resource,
                                         Map<String, Object> metrics, byte[] body) {
        String requestId = session + "-" + ids.incrementAndGet();
        String topic = ns.request(device, appId, method, resource);
        Map<String, Object> m = new LinkedHashMap<>(metrics);
        m.put(MetricNames.REQUEST_ID, requestId);
        m.put(MetricNames.REQUESTER_CLIENT_ID, settings.clientId());
        settings.signingKey().ifPresent(key -> {
            long expires = System.currentTimeMillis() + settings.signatureLifetime().toMillis();
            m.put(MetricNames.EXPIRES, expires);
            m.put(MetricNames.SIGNATURE, CommandSignature.sign(key, topic, body, requestId, expires));
        });
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        pending.put(requestId, reply);
        reply.whenComplete((r, e) -> pending.remove(requestId));
        byte[] bytes = Payload.of(m, body).encode();
        while (true) {
            try {
                client.publish(topic, bytes, 1, false);
                return reply;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT) {
                    reply.completeExceptionally(e);
                    return reply;
                }
                Thread.onSpinWait(); // the in-flight window is full: wait for an acknowledgement
            }
        }
    }

    /** Sends a command and waits for its reply. */
    public Reply call(String device, String appId, Method method, String resource, Map<String, Object> metrics,
                      byte[] body, Duration timeout) throws CommandTimeoutException, MqttException {
        CompletableFuture<Reply> f = send(device, appId, method, resource, metrics, body);
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new CommandTimeoutException(device, appId + " " + method + " " + resource, timeout);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MqttException me) {
                throw me;
            }
            throw new IllegalStateException("hub: sending to '" + device + "' failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandTimeoutException(device, appId + " " + method + " " + resource, timeout);
        }
    }

    private void arrived(String topic, MqttMessage message) {
        Payload p;
        try {
            p = Payload.decode(message.getPayload(), 16 << 20);
        } catch (MalformedPayloadException e) {
            return; // not a KuraPayload: nothing a hub can act on
        }
        if (topic.contains("/REPLY/")) {
            CompletableFuture<Reply> f = pending.get(topic.substring(topic.lastIndexOf('/') + 1));
            if (f != null) {
                f.complete(Reply.of(p));
            }
            return;
        }
        String[] levels = topic.split("/");
        if (levels.length == 7 && levels[4].equals("NOTIFY") && topic.startsWith(ns.controlPrefix() + "/")) {
            Notification n = new Notification(levels[5], levels[3], levels[6], p);
            listeners.forEach(l -> l.accept(n));
            return;
        }
        String device = ns.clientIdOf(topic).orElse("?");
        String kind = ns.eventPathOf(topic).orElseGet(() -> topic.endsWith("/metrics") ? "METRICS"
                : topic.endsWith("/status") ? "STATUS" : topic.substring(topic.lastIndexOf('/') + 1));
        DeviceEvent event = new DeviceEvent(device, kind, message.isRetained(), p);
        synchronized (seen) {
            if (seen.size() == SEEN_LIMIT) {
                seen.removeFirst();
            }
            seen.addLast(event);
            watchers.forEach(w -> w.accept(event));
        }
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(2_000).waitForCompletion(2_000);
            }
            client.close(true);
        } catch (MqttException e) {
            throw new IllegalStateException("hub: closing the MQTT client: " + e, e);
        }
    }
}
