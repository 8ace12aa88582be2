package dev.hearth.agent;

import dev.hearth.agent.wire.CommandSignature;
import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.MetricNames;
import dev.hearth.agent.wire.Namespace;
import dev.hearth.agent.wire.Payload;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The hub's side in agent tests: a plain Paho client that sends requests in Kura's format and
 * collects replies, lifecycle certificates and telemetry.
 */
final class TestRequester implements AutoCloseable {

    record Message(String topic, Payload payload) { }

    private final Namespace ns = Namespace.of("hearth");
    private final String clientId;
    private final String device;
    private final MqttAsyncClient client;
    private final Map<String, CompletableFuture<Payload>> pending = new ConcurrentHashMap<>();
    final BlockingQueue<Message> lifecycle = new LinkedBlockingQueue<>();
    final BlockingQueue<Message> telemetry = new LinkedBlockingQueue<>();
    /** Progress notifications of long jobs ({@code $EDC/<account>/<me>/<app>/NOTIFY/…}), in arrival order. */
    final BlockingQueue<Message> notifications = new LinkedBlockingQueue<>();
    private final AtomicLong ids = new AtomicLong();

    TestRequester(String url, String clientId, String device, String user, String password) throws Exception {
        this.clientId = clientId;
        this.device = device;
        client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                // The session (and its subscriptions) is persistent; waiting here would block Paho's callback thread.
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
                Payload p = Payload.decode(message.getPayload(), 1 << 24);
                if (topic.contains("/REPLY/")) {
                    CompletableFuture<Payload> f = pending.remove(topic.substring(topic.lastIndexOf('/') + 1));
                    if (f != null) {
                        f.complete(p);
                    }
                } else if (topic.contains("/NOTIFY/")) {
                    notifications.add(new Message(topic, p));
                } else if (topic.contains("/MQTT/")) {
                    lifecycle.add(new Message(topic, p));
                } else {
                    telemetry.add(new Message(topic, p));
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(false);
        o.setAutomaticReconnect(true);
        o.setMaxReconnectDelay(200);
        o.setMaxInflight(1000);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.toCharArray());
        }
        client.connect(o).waitForCompletion(10_000);
        DisconnectedBufferOptions b = new DisconnectedBufferOptions();
        b.setBufferEnabled(true);
        b.setBufferSize(100_000);
        client.setBufferOpts(b);
        subscribe();
    }

    private void subscribe() {
        try {
            client.subscribe(new String[] {ns.replyFilter(clientId), ns.lifecycleFilter(), ns.dataFilter("+", "+"),
                    ns.controlPrefix() + "/" + ns.account() + "/" + clientId + "/+/NOTIFY/#"},
                    new int[] {1, 1, 1, 1}).waitForCompletion(10_000);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String nextId() {
        return clientId + "-" + ids.incrementAndGet();
    }

    /** Metrics with request.id and requester.client.id. */
    Map<String, Object> metrics(String requestId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(MetricNames.REQUEST_ID, requestId);
        m.put(MetricNames.REQUESTER_CLIENT_ID, clientId);
        return m;
    }

    CompletableFuture<Payload> request(String app, Method method, String resource, Map<String, Object> extra, String body) {
        String id = nextId();
        Map<String, Object> m = metrics(id);
        m.putAll(extra);
        return send(id, ns.request(device, app, method, resource), Payload.of(m, body.getBytes(StandardCharsets.UTF_8)).encode());
    }

    CompletableFuture<Payload> signed(PrivateKey key, long expires, String app, Method method, String resource, String body) {
        String id = nextId();
        String topic = ns.request(device, app, method, resource);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        Map<String, Object> m = metrics(id);
        m.put(MetricNames.EXPIRES, expires);
        m.put(MetricNames.SIGNATURE, CommandSignature.sign(key, topic, b, id, expires));
        return send(id, topic, Payload.of(m, b).encode());
    }

    /** Sends raw bytes on a topic and awaits the reply to {@code requestId}. */
    CompletableFuture<Payload> send(String requestId, String topic, byte[] bytes) {
        CompletableFuture<Payload> f = new CompletableFuture<>();
        pending.put(requestId, f);
        publish(topic, bytes);
        return f;
    }

    /** Publishes at QoS 1, waiting for room when the in-flight window is full. */
    void publish(String topic, byte[] bytes) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                client.publish(topic, bytes, 1, false);
                return;
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                if (e.getReasonCode() != org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_MAX_INFLIGHT
                        || System.nanoTime() > deadline) {
                    throw new IllegalStateException("publish to " + topic + " failed", e);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        }
    }

    static Payload await(CompletableFuture<Payload> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        client.disconnect().waitForCompletion(5_000);
        client.close();
    }
}
