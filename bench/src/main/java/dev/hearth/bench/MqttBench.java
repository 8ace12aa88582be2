package dev.hearth.bench;

import dev.hearth.agent.Agent;
import dev.hearth.agent.AgentSettings;
import dev.hearth.agent.AgentState;
import dev.hearth.agent.DeviceFacts;
import dev.hearth.agent.RebootAction;
import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.NoDelaySocketFactory;
import dev.hearth.hub.HubClient;
import dev.hearth.hub.HubSettings;
import dev.hearth.hub.Reply;
import dev.hearth.supervisor.ServiceSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The control plane: the hub library -> Mosquitto on loopback -> the agent -> {@code SVC-V1 GET
 * services} -> the reply, one command at a time (latency) and many in flight (throughput, QoS 1,
 * every reply counted). Baseline: a bare Paho echo responder on the same broker in the same run,
 * request topic -> reply topic at the same QoS, measured interleaved with the agent. Every client
 * and the broker run with {@code TCP_NODELAY} (Nagle's algorithm costs about 40 ms per round trip).
 */
final class MqttBench {

    private static final String DEVICE = "bench-device";
    private static final String HUB = "bench-hub";
    private static final int WARMUP = 5_000;
    private static final int SAMPLES = 5_000;
    private static final int THROUGHPUT_WARMUP = 5_000;
    private static final int THROUGHPUT_COMMANDS = 30_000;
    private static final int WINDOW = 500;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private MqttBench() {
    }

    static void run(Report report) throws Exception {
        Path state = Files.createTempDirectory("hearth-bench-mqtt");
        try (Mosquitto broker = new Mosquitto(state);
             BenchServices services = new BenchServices()) {
            services.supervisor.deploy(ServiceSpec.of("notes", "injvm", "hello"));
            DeviceFacts facts = DeviceFacts.unknown(DEVICE);
            AgentSettings settings = AgentSettings.defaults(broker.url(), DEVICE, state.resolve("agent"))
                    .withAllowedRequesters(Set.of(HUB)).withTelemetryIntervalSeconds(0);
            try (Agent agent = new Agent(settings, services.supervisor, facts,
                    Agent.standardApps(services.supervisor, new NoReboot(), facts));
                 HubClient hub = HubClient.connect(HubSettings.of(broker.url(), HUB), TIMEOUT);
                 Echo echo = new Echo(broker.url())) {
                agent.start();
                ScaleBench.await(() -> agent.state() == AgentState.CONNECTED);

                Samples ours = new Samples();
                Samples baseline = new Samples();
                byte[] none = new byte[0];
                for (int i = 0; i < WARMUP + SAMPLES; i++) {
                    long t0 = System.nanoTime();
                    Reply reply = hub.call(DEVICE, "SVC-V1", Method.GET, "services", Map.of(), none, TIMEOUT);
                    long a = System.nanoTime() - t0;
                    if (!reply.ok()) {
                        throw new IllegalStateException("SVC-V1 GET services answered " + reply.code() + " " + reply.message());
                    }
                    long b = echo.roundTrip(TIMEOUT);
                    if (i >= WARMUP) {
                        ours.add(a);
                        baseline.add(b);
                    }
                }
                report.add("mqtt.rtt.p50_ms", ours.p50Millis(), "ms", "<= 5",
                        "hub library -> Mosquitto -> agent -> SVC-V1 GET services reply; " + SAMPLES + " commands");
                report.add("mqtt.rtt.p99_ms", ours.p99Millis(), "ms", "", "");
                report.add("mqtt.baseline.p50_ms", baseline.p50Millis(), "ms", "",
                        "bare Paho echo responder, same broker, QoS 1, interleaved");
                report.add("mqtt.rtt.ratio", ours.p50Millis() / baseline.p50Millis(), "x", "<= 2",
                        "agent p50 / echo p50");

                throughput(hub, THROUGHPUT_WARMUP);
                double perSecond = throughput(hub, THROUGHPUT_COMMANDS);
                report.add("mqtt.throughput.cmds_per_s", perSecond, "1/s", ">= 5000",
                        THROUGHPUT_COMMANDS + " SVC-V1 GET services at QoS 1, " + WINDOW + " in flight, every reply counted");
            }
        }
    }

    /** Sends {@code count} commands with at most {@link #WINDOW} awaiting replies; every one must be answered with 200. */
    private static double throughput(HubClient hub, int count) throws Exception {
        Semaphore window = new Semaphore(WINDOW);
        AtomicLong answered = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        CompletableFuture<Void> all = new CompletableFuture<>();
        byte[] none = new byte[0];
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (!window.tryAcquire(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("no reply for " + TIMEOUT + " with " + WINDOW + " commands in flight ("
                        + answered.get() + " of " + count + " answered)");
            }
            hub.send(DEVICE, "SVC-V1", Method.GET, "services", Map.of(), none).whenComplete((reply, error) -> {
                if (error != null || !reply.ok()) {
                    failed.incrementAndGet();
                }
                window.release();
                if (answered.incrementAndGet() == count) {
                    all.complete(null);
                }
            });
        }
        all.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        long elapsed = System.nanoTime() - t0;
        if (failed.get() != 0) {
            throw new IllegalStateException(failed.get() + " of " + count + " commands failed");
        }
        return count / (elapsed / 1e9);
    }

    /** The baseline: a requester and a responder that echoes each request on its reply topic, both plain Paho. */
    private static final class Echo implements AutoCloseable {

        private final MqttAsyncClient responder;
        private final MqttAsyncClient requester;
        private final Map<String, CompletableFuture<Long>> pending = new ConcurrentHashMap<>();
        private final AtomicLong ids = new AtomicLong();
        private final byte[] request = new byte[64];

        Echo(String url) throws MqttException {
            responder = client(url, "bench-echo", new Arrived() {
                @Override
                public void messageArrived(String topic, MqttMessage message) throws MqttException {
                    String id = topic.substring(topic.lastIndexOf('/') + 1);
                    responder.publish("bench/echo/reply/" + id, message.getPayload(), 1, false);
                }
            });
            responder.subscribe("bench/echo/request/+", 1).waitForCompletion(TIMEOUT.toMillis());
            requester = client(url, "bench-echo-requester", new Arrived() {
                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    CompletableFuture<Long> f = pending.remove(topic.substring(topic.lastIndexOf('/') + 1));
                    if (f != null) {
                        f.complete(System.nanoTime());
                    }
                }
            });
            requester.subscribe("bench/echo/reply/+", 1).waitForCompletion(TIMEOUT.toMillis());
        }

        long roundTrip(Duration timeout) throws Exception {
            String id = Long.toString(ids.incrementAndGet());
            CompletableFuture<Long> f = new CompletableFuture<>();
            pending.put(id, f);
            long t0 = System.nanoTime();
            requester.publish("bench/echo/request/" + id, request, 1, false);
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS) - t0;
        }

        private static MqttAsyncClient client(String url, String id, MqttCallback callback) throws MqttException {
            MqttAsyncClient c = new MqttAsyncClient(url, id, new MemoryPersistence());
            c.setCallback(callback);
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setCleanSession(true);
            o.setSocketFactory(new NoDelaySocketFactory()); // the same transport as the agent and the hub
            o.setMaxInflight(1_000);
            c.connect(o).waitForCompletion(TIMEOUT.toMillis());
            return c;
        }

        @Override
        public void close() throws MqttException {
            for (MqttAsyncClient c : List.of(requester, responder)) {
                c.disconnect(2_000).waitForCompletion(2_000);
                c.close();
            }
        }
    }

    private abstract static class Arrived implements MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }

    /** The benchmark never reboots anything. */
    private static final class NoReboot implements RebootAction {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public void reboot() {
            throw new IllegalStateException("the benchmark does not reboot");
        }
    }

    /** Mosquitto (Debian package {@code mosquitto}) on a free loopback port, anonymous, no persistence. */
    private static final class Mosquitto implements AutoCloseable {

        private final Process process;
        private final int port;

        Mosquitto(Path directory) throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path conf = directory.resolve("mosquitto.conf");
            Files.writeString(conf, String.join("\n", "listener " + port + " 127.0.0.1", "allow_anonymous true",
                    "user " + System.getProperty("user.name"), "persistence false", "set_tcp_nodelay true",
                    "max_inflight_messages 1000", "max_queued_messages 100000", "log_dest stderr", ""));
            process = new ProcessBuilder("/usr/sbin/mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("mosquitto.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mosquitto exited: " + Files.readString(directory.resolve("mosquitto.log")));
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                    return;
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline) {
                        process.destroyForcibly();
                        throw new IllegalStateException("mosquitto did not listen on " + port + " within 10 s", notYet);
                    }
                    LockSupport.parkNanos(10_000_000);
                }
            }
        }

        String url() {
            return "tcp://127.0.0.1:" + port;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
