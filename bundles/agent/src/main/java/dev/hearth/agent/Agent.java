package dev.hearth.agent;

import dev.hearth.agent.api.App;
import dev.hearth.agent.api.EventPublisher;
import dev.hearth.agent.api.Notifier;
import dev.hearth.agent.api.Request;
import dev.hearth.agent.api.Response;
import dev.hearth.agent.wire.ConnectFailure;
import dev.hearth.agent.wire.ControlTopic;
import dev.hearth.agent.wire.MalformedPayloadException;
import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.MetricNames;
import dev.hearth.agent.wire.Namespace;
import dev.hearth.agent.wire.NoDelaySocketFactory;
import dev.hearth.agent.wire.Payload;
import dev.hearth.supervisor.Supervisor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT device agent: keeps a persistent session with the broker, serves control requests in
 * Kura's namespace through its apps, publishes lifecycle certificates and telemetry, and keeps what
 * it cannot send in its outbox.
 *
 * <p>Threads: one "connect" thread runs connection attempts, back-off, outbox draining and
 * telemetry; one "requests" thread parses, authorizes and answers requests in arrival order
 * (Paho's callback thread only hands them over: Paho interrupts that thread when a connection
 * drops, which would close the outbox's and audit log's files mid-write, and a handler there
 * would hold up Paho's shutdown of the lost connection); Paho's own threads do the I/O.
 */
public final class Agent implements EventPublisher, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    /** Requests larger than this are not even decoded (the 400 threshold is {@link AgentSettings#maxPayloadBytes}). */
    static final int DECODE_LIMIT = 16 << 20;
    private static final int MAX_INFLIGHT = 1_000;
    private static final int REQUEST_QUEUE = 10_000;
    private static final long DISCONNECT_WAIT_MILLIS = 2_000;
    private final AgentSettings settings;
    private final Namespace ns;
    private volatile Map<String, App> apps;
    private final BirthCertificate birth;
    private final Telemetry telemetry;
    private final CommandGate gate;
    private final AuditLog audit;
    private final Outbox outbox;
    private final MqttAsyncClient client;
    private final ScheduledExecutorService connector;
    private final ThreadPoolExecutor requests;
    private final AtomicBoolean telemetryPending = new AtomicBoolean();

    private volatile AgentState state = AgentState.NEW;
    private volatile Optional<String> lastFailure = Optional.empty();
    private int failedAttempts;
    private ScheduledFuture<?> drainTask;

    public Agent(AgentSettings settings, Supervisor supervisor, DeviceFacts facts, List<App> apps) {
        this.settings = settings;
        this.ns = settings.namespace();
        this.apps = byId(apps);
        this.birth = new BirthCertificate(facts, supervisor);
        this.telemetry = new Telemetry(supervisor, settings.storeDirectory().toFile());
        this.gate = new CommandGate(settings, System::currentTimeMillis);
        this.outbox = new Outbox(settings.outboxDirectory(), settings.storeCapacity());
        this.audit = new AuditLog(settings.auditLogFile());
        try {
            this.client = new MqttAsyncClient(settings.brokerUrl(), settings.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException("agent: cannot make an MQTT client for " + settings.brokerUrl() + ": " + e, e);
        }
        client.setCallback(new Callback());
        connector = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "hearth-agent-connect"));
        requests = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(REQUEST_QUEUE),
                r -> thread(r, "hearth-agent-requests"));
    }

    /** The standard apps: SVC-V1 and SYS-V1 over the supervisor, with the given reboot action. */
    public static List<App> standardApps(Supervisor supervisor, RebootAction reboot, DeviceFacts facts) {
        BirthCertificate info = new BirthCertificate(facts, supervisor);
        List<String> ids = List.of(ServicesApp.ID, SystemApp.ID);
        return List.of(new ServicesApp(supervisor), new SystemApp(() -> info.metrics(ids), reboot));
    }

    public AgentState state() {
        return state;
    }

    /** Why the last connection attempt failed; empty once connected. */
    public Optional<String> lastConnectFailure() {
        return lastFailure;
    }

    /** Messages waiting in the outbox. */
    public int pending() {
        return outbox.size();
    }

    /** Starts connecting; returns at once. */
    public synchronized void start() {
        if (state != AgentState.NEW) {
            throw new IllegalStateException("agent: cannot start when " + state);
        }
        setState(AgentState.CONNECTING);
        connector.execute(this::connect);
        if (settings.telemetryIntervalSeconds() > 0) {
            connector.scheduleWithFixedDelay(this::publishTelemetry, settings.telemetryIntervalSeconds(),
                    settings.telemetryIntervalSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Replaces the apps and, when connected, says so on MQTT/APPS. */
    public void replaceApps(List<App> newApps) {
        requests.execute(() -> {
            apps = byId(newApps);
            if (state == AgentState.CONNECTED) {
                publishLifecycle(ns.apps(settings.clientId()), birth.metrics(apps.keySet()));
            }
        });
    }

    /** A supervisor event: telemetry goes out soon (events arriving together make one message). */
    public void supervisorEvent(String service, long activationMillis) {
        if (activationMillis >= 0) {
            telemetry.activated(service, activationMillis);
        }
        if (telemetryPending.compareAndSet(false, true) && state != AgentState.CLOSED) {
            connector.schedule(this::publishTelemetry, 100, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A device event on {@code <account>/<client-id>/HEARTH/events/<path>}: kept in the outbox like
     * a reply (forced to the disk, never dropped) until the broker has it. Refused once closed.
     */
    @Override
    public void publish(String path, Map<String, Object> metrics) {
        String topic = ns.event(settings.clientId(), path);
        if (state == AgentState.CLOSED) {
            throw new IllegalStateException("agent: cannot publish event " + path + " when " + state);
        }
        LOG.info("agent {}: event {}", settings.clientId(), path);
        send(new OutboundMessage(OutboundMessage.Kind.EVENT, topic, Payload.of(metrics).encode()));
    }

    /** Publishes the DC certificate, disconnects cleanly and stops every thread. */
    @Override
    public void close() {
        synchronized (this) {
            if (state == AgentState.CLOSED) {
                return;
            }
            boolean connected = state == AgentState.CONNECTED;
            setState(AgentState.CLOSED);
            requests.shutdown();
            try {
                requests.awaitTermination(DISCONNECT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            connector.shutdownNow();
            if (connected) {
                try {
                    Map<String, Object> offline = new LinkedHashMap<>(birth.metrics(apps.keySet()));
                    offline.put("hearth.online", "false");
                    client.publish(ns.status(settings.clientId()), Payload.of(offline).encode(), 1, true);
                    client.publish(ns.disconnect(settings.clientId()),
                            Payload.of(birth.disconnectMetrics()).encode(), 1, false).waitForCompletion(DISCONNECT_WAIT_MILLIS);
                    client.disconnect(DISCONNECT_WAIT_MILLIS).waitForCompletion(DISCONNECT_WAIT_MILLIS);
                } catch (MqttException e) {
                    LOG.warn("agent {}: no clean disconnect: {}", settings.clientId(), e.toString());
                }
            }
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.warn("agent {}: closing the MQTT client: {}", settings.clientId(), e.toString());
        }
        audit.close();
        outbox.close();
    }

    // ---- connection ---------------------------------------------------------------------------

    private void connect() {
        if (state == AgentState.CLOSED) {
            return;
        }
        try {
            client.connect(options()).waitForCompletion(settings.connectTimeoutMillis());
            client.subscribe(ns.requestFilter(settings.clientId()), 1).waitForCompletion(settings.connectTimeoutMillis());
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttException.REASON_CODE_CLIENT_TIMEOUT
                    || e.getReasonCode() == MqttException.REASON_CODE_CONNECT_IN_PROGRESS) {
                abandonAttempt();
            }
            retry(ConnectFailure.describe(settings.brokerUrl(), e));
            return;
        } catch (IllegalArgumentException e) {
            retry(ConnectFailure.describe(settings.brokerUrl(), e));
            return;
        }
        synchronized (this) {
            if (state == AgentState.CLOSED) {
                return;
            }
            failedAttempts = 0;
            lastFailure = Optional.empty();
            setState(AgentState.CONNECTED);
            // Lifecycle first, then whatever waited in the outbox, in order.
            publishLifecycle(ns.birth(settings.clientId()), birth.metrics(apps.keySet()));
            drain();
        }
    }

    /**
     * Resets Paho after an attempt that did not finish in time. Paho 1.2.5 can hang for good in an
     * attempt whose TCP connection the broker drops while Paho starts its threads (a broker that
     * is shutting down: one of its restarts); every later attempt then fails with "connect already
     * in progress". Forcing a disconnect ends the attempt's state so that the next one can start
     * (the hung Paho thread stays parked; this happens at most once per broker restart).
     */
    private void abandonAttempt() {
        try {
            client.disconnectForcibly(0, 0, false);
        } catch (MqttException e) {
            LOG.debug("agent {}: resetting a hung connection attempt: {}", settings.clientId(), e.toString());
        }
    }

    private MqttConnectOptions options() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(false);
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(settings.keepAliveSeconds());
        o.setConnectionTimeout(5);
        o.setMaxInflight(MAX_INFLIGHT);
        if (!settings.username().isEmpty()) {
            o.setUserName(settings.username());
            o.setPassword(settings.password().toCharArray());
        }
        o.setSocketFactory(NoDelaySocketFactory.forBroker(settings.brokerUrl(), settings.tls()));
        o.setWill(ns.lastWill(settings.clientId()), Payload.of(birth.disconnectMetrics()).encode(), 0, false);
        return o;
    }

    private synchronized void retry(String why) {
        if (state == AgentState.CLOSED) {
            return;
        }
        long delay = backoff(failedAttempts++);
        if (state != AgentState.WAITING) {
            setState(AgentState.WAITING);
        }
        if (!lastFailure.equals(Optional.of(why))) {
            LOG.warn("agent {}: {}; retrying with back-off", settings.clientId(), why);
        } else {
            LOG.debug("agent {}: connection attempt failed ({}); next in {} ms", settings.clientId(), why, delay);
        }
        lastFailure = Optional.of(why);
        connector.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** Exponential back-off with jitter: a random delay between half and all of min * 2^attempt, capped. */
    long backoff(int attempt) {
        long ceiling = Math.min(settings.reconnectMaxMillis(),
                (long) settings.reconnectMinMillis() << Math.min(attempt, 20));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    private synchronized void setState(AgentState next) {
        LOG.info("agent {}: {} -> {}", settings.clientId(), state, next);
        state = next;
    }

    // ---- sending ------------------------------------------------------------------------------

    private void publishLifecycle(String topic, Map<String, Object> metrics) {
        try {
            byte[] bytes = Payload.of(metrics).encode();
            client.publish(topic, bytes, 1, false);
            if (topic.endsWith("/MQTT/BIRTH")) {
                client.publish(ns.status(settings.clientId()), bytes, 1, true);
            }
        } catch (MqttException e) {
            LOG.warn("agent {}: lifecycle message to {} not sent: {}", settings.clientId(), topic, e.toString());
        }
    }

    private void publishTelemetry() {
        telemetryPending.set(false);
        if (state == AgentState.CLOSED) {
            return;
        }
        send(new OutboundMessage(OutboundMessage.Kind.TELEMETRY, ns.metrics(settings.clientId()),
                Payload.of(telemetry.metrics()).encode()));
    }

    /** Publishes at QoS 1 now when connected and nothing waits before it; otherwise keeps it in the outbox. */
    synchronized void send(OutboundMessage m) {
        if (state == AgentState.CONNECTED && outbox.isEmpty()) {
            try {
                client.publish(m.topic(), m.payload(), 1, false);
                return;
            } catch (MqttException e) {
                LOG.debug("agent {}: publish deferred: {}", settings.clientId(), e.toString());
            }
        }
        if (!outbox.add(m)) {
            LOG.debug("agent {}: outbox full of replies; telemetry dropped", settings.clientId());
        }
        if (state == AgentState.CONNECTED) {
            scheduleDrain(5);
        }
    }

    private synchronized void drain() {
        while (state == AgentState.CONNECTED) {
            Optional<OutboundMessage> next = outbox.peek();
            if (next.isEmpty()) {
                return;
            }
            try {
                client.publish(next.get().topic(), next.get().payload(), 1, false);
                outbox.removeFirst();
            } catch (MqttException e) {
                if (e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT) {
                    scheduleDrain(5);
                }
                return; // not connected any more: the next connection drains
            }
        }
    }

    private synchronized void scheduleDrain(long millis) {
        if ((drainTask == null || drainTask.isDone()) && !connector.isShutdown()) {
            drainTask = connector.schedule(this::drain, millis, TimeUnit.MILLISECONDS);
        }
    }

    // ---- requests -----------------------------------------------------------------------------

    void handle(String topic, byte[] bytes) {
        Optional<ControlTopic> parsed = ns.parseRequest(topic, settings.clientId());
        if (parsed.isEmpty()) {
            return;
        }
        ControlTopic ct = parsed.get();
        if (ct.appId().equals(Namespace.LIFECYCLE_APP)) {
            return; // our own lifecycle certificates come back through the request filter
        }
        String resource = ct.resourcePath();
        Payload payload;
        try {
            payload = Payload.decode(bytes, DECODE_LIMIT);
        } catch (MalformedPayloadException e) {
            LOG.warn("agent {}: request on {} {} ignored: {}", settings.clientId(), ct.appId(), ct.verb(), e.getMessage());
            audit.record("?", false, ct.appId(), ct.verb(), resource, 0, "malformed payload: " + e.getMessage());
            return;
        }
        Optional<String> requestId = payload.string(MetricNames.REQUEST_ID).filter(Namespace::isSegment);
        Optional<String> requester = payload.string(MetricNames.REQUESTER_CLIENT_ID).filter(Namespace::isSegment);
        if (requestId.isEmpty() || requester.isEmpty()) {
            LOG.warn("agent {}: request on {} {} without a valid request.id and requester.client.id ignored",
                    settings.clientId(), ct.appId(), ct.verb());
            audit.record(requester.orElse("?"), false, ct.appId(), ct.verb(), resource, 0,
                    "missing or invalid request.id / requester.client.id");
            return;
        }
        Optional<Method> method = Method.parse(ct.verb());
        CommandGate.Verdict verdict = gate.check(topic, method.orElse(Method.EXEC), requester.get(), requestId.get(), payload);
        if (verdict instanceof CommandGate.Verdict.Ignore ignore) {
            LOG.warn("agent {}: request {} ignored: {}", settings.clientId(), requestId.get(), ignore.reason());
            audit.record(requester.get(), false, ct.appId(), ct.verb(), resource, 0, "ignored: " + ignore.reason());
            return;
        }
        boolean signed = verdict instanceof CommandGate.Verdict.Obey obey && obey.signed();
        Response response = answer(ct, method, requestId.get(), requester.get(), payload, bytes.length, verdict);
        if (response.code() != Response.OK) {
            LOG.warn("agent {}: {} {} {} from {}: {} {}", settings.clientId(), ct.appId(), ct.verb(), resource,
                    requester.get(), response.code(), response.message());
        }
        audit.record(requester.get(), signed, ct.appId(), ct.verb(), resource, response.code(),
                response.code() == Response.OK ? "done" : response.message());
        reply(ct.appId(), requester.get(), requestId.get(), response);
    }

    private Response answer(ControlTopic ct, Optional<Method> method, String requestId, String requester,
                            Payload payload, int size, CommandGate.Verdict verdict) {
        if (verdict instanceof CommandGate.Verdict.Refuse refuse) {
            return Response.badRequest("refused: " + refuse.reason());
        }
        if (size > settings.maxPayloadBytes()) {
            return Response.badRequest("request of " + size + " bytes exceeds the limit of " + settings.maxPayloadBytes());
        }
        if (method.isEmpty()) {
            return Response.badRequest("'" + ct.verb() + "' is not a method (GET, PUT, POST, DEL, EXEC)");
        }
        App app = apps.get(ct.appId());
        if (app == null) {
            return Response.badRequest("no app '" + ct.appId() + "' (apps: " + String.join(", ", apps.keySet()) + ")");
        }
        Request request = new Request(ct, method.get(), requestId, requester, payload,
                verdict instanceof CommandGate.Verdict.Obey obey && obey.signed(), notifier(requester, ct.appId()));
        try {
            return app.handle(request);
        } catch (RuntimeException e) {
            return Response.error(ct.appId() + " " + method.get() + " " + ct.resourcePath(), e);
        }
    }

    private void reply(String appId, String requester, String requestId, Response response) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put(MetricNames.RESPONSE_CODE, response.code());
        metrics.put(MetricNames.REQUEST_ID, requestId);
        metrics.putAll(response.metrics());
        send(new OutboundMessage(OutboundMessage.Kind.REPLY, ns.reply(requester, appId, requestId),
                Payload.of(metrics, response.body()).encode()));
        response.afterReply().ifPresent(action -> connector.schedule(() -> {
            LOG.info("agent {}: running the action after the reply to {}", settings.clientId(), requestId);
            action.run();
        }, 500, TimeUnit.MILLISECONDS));
    }

    /** Progress notifications of a job started by {@code requester}, kept in the outbox like telemetry. */
    private Notifier notifier(String requester, String appId) {
        return (type, metrics) -> {
            if (!Namespace.isSegment(type)) {
                throw new IllegalArgumentException("agent: a notification type must be one topic level, was '" + type + "'");
            }
            if (state != AgentState.CLOSED) {
                send(new OutboundMessage(OutboundMessage.Kind.TELEMETRY,
                        ns.notification(requester, appId, settings.clientId(), type), Payload.of(metrics).encode()));
            }
        };
    }

    private final class Callback implements MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
            LOG.info("agent {}: connection lost: {}", settings.clientId(), String.valueOf(cause));
            synchronized (Agent.this) {
                if (state == AgentState.CONNECTED) {
                    failedAttempts = 0;
                    retry("connection lost");
                }
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            byte[] bytes = message.getPayload();
            try {
                // Blocks Paho's callback thread when the queue is full: back-pressure onto the broker.
                requests.getQueue().put(() -> {
                    try {
                        handle(topic, bytes);
                    } catch (RuntimeException e) {
                        LOG.error("agent {}: request on {} failed", settings.clientId(), topic, e);
                    }
                });
                requests.prestartCoreThread();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // QoS 1 acknowledged; nothing to do.
        }
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static Map<String, App> byId(List<App> list) {
        Map<String, App> m = new LinkedHashMap<>();
        list.forEach(a -> m.put(a.id(), a));
        return java.util.Collections.unmodifiableMap(m);
    }
}
