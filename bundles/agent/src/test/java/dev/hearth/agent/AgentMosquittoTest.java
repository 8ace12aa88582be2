package dev.hearth.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.MetricNames;
import dev.hearth.agent.wire.Namespace;
import dev.hearth.agent.wire.Payload;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent behind a real Mosquitto with a password file and an ACL, commanded by a plain Paho hub. */
class AgentMosquittoTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Namespace NS = Namespace.of("hearth");

    @TempDir
    static Path dir;
    static MosquittoBroker broker;
    static Device device;
    static TestRequester hub;

    @BeforeAll
    static void start() throws Exception {
        broker = new MosquittoBroker(dir);
        hub = new TestRequester(broker.url(), "hub-1", Device.ID, MosquittoBroker.HUB_USER, MosquittoBroker.HUB_PASSWORD);
        device = new Device(broker.url(), dir, s -> s.withCredentials(MosquittoBroker.DEVICE_USER,
                MosquittoBroker.DEVICE_PASSWORD).withMaxPayloadBytes(4096).withTelemetryIntervalSeconds(0));
        await(() -> device.agent.state() == AgentState.CONNECTED, "agent connected");
    }

    @AfterAll
    static void stop() throws Exception {
        device.close();
        hub.close();
        broker.close();
    }

    @Test
    void aServiceIsDeployedListedScaledInspectedStoppedAndRemoved() throws Exception {
        Payload put = ok(hub.request("SVC-V1", Method.PUT, "services/greeter", Map.of(),
                "{\"driver\":\"injvm\",\"image\":\"hello\",\"maxInstances\":4}"));
        assertEquals("greeter", JSON.readTree(put.body()).get("name").asText());

        JsonNode list = JSON.readTree(ok(hub.request("SVC-V1", Method.GET, "services", Map.of(), "")).body());
        assertTrue(list.findValuesAsText("name").contains("greeter"));

        JsonNode scaled = JSON.readTree(ok(hub.request("SVC-V1", Method.EXEC, "services/greeter/scale",
                Map.of("count", 2), "")).body());
        assertEquals("greeter", scaled.get("name").asText());
        await(() -> device.supervisor.status("greeter").orElseThrow().instances() == 2, "two instances");

        JsonNode one = JSON.readTree(ok(hub.request("SVC-V1", Method.GET, "services/greeter", Map.of("lines", 10), "")).body());
        assertEquals(2, one.get("instances").asInt());
        assertTrue(one.get("logs").isArray());

        ok(hub.request("SVC-V1", Method.EXEC, "services/greeter/stop", Map.of(), ""));
        await(() -> device.supervisor.status("greeter").orElseThrow().instances() == 0, "stopped");

        ok(hub.request("SVC-V1", Method.DEL, "services/greeter", Map.of(), ""));
        assertTrue(device.supervisor.status("greeter").isEmpty());
        assertEquals(404, code(hub.request("SVC-V1", Method.GET, "services/greeter", Map.of(), "")));
    }

    @Test
    void anInvalidSpecIsRefusedWith400NamingTheField() throws Exception {
        Payload reply = TestRequester.await(hub.request("SVC-V1", Method.PUT, "services/bad", Map.of(),
                "{\"driver\":\"injvm\",\"image\":\"hello\",\"maxInstances\":0}"));
        assertEquals(400, reply.whole(MetricNames.RESPONSE_CODE).orElseThrow());
        assertTrue(reply.string(MetricNames.EXCEPTION_MESSAGE).orElseThrow().contains("maxInstances"));
    }

    @Test
    void unknownAppsVerbsAndResourcesAreAnsweredAndTheAgentKeepsServing() throws Exception {
        assertEquals(400, code(hub.request("NOPE-V1", Method.GET, "x", Map.of(), "")));
        String id = hub.nextId();
        assertEquals(400, code(hub.send(id, "$EDC/hearth/" + Device.ID + "/SVC-V1/FETCH/services",
                Payload.of(hub.metrics(id)).encode())));
        assertEquals(404, code(hub.request("SVC-V1", Method.GET, "nothing/here", Map.of(), "")));
        assertEquals(404, code(hub.request("SYS-V1", Method.EXEC, "explode", Map.of(), "")));
        ok(hub.request("SVC-V1", Method.GET, "services", Map.of(), ""));
    }

    @Test
    void malformedAndIncompleteRequestsGetNoActionAndTheAgentKeepsServing() throws Exception {
        String topic = NS.request(Device.ID, "SVC-V1", Method.GET, "services");
        hub.publish(topic, "not protobuf at all".getBytes(StandardCharsets.UTF_8));
        hub.publish(topic, new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
        hub.publish(topic, Payload.of(Map.of(MetricNames.REQUEST_ID, "lonely")).encode());
        hub.publish(topic, Payload.of(Map.of(MetricNames.REQUESTER_CLIENT_ID, "hub-1")).encode());
        hub.publish(topic, Payload.of(Map.of(MetricNames.REQUEST_ID, "a/b#", MetricNames.REQUESTER_CLIENT_ID, "hub-1")).encode());
        ok(hub.request("SVC-V1", Method.GET, "services", Map.of(), ""));
        awaitAudit("missing or invalid request.id");
        awaitAudit("malformed payload");
    }

    @Test
    void anOversizedRequestIsRefusedWith400() throws Exception {
        Payload reply = TestRequester.await(hub.request("SVC-V1", Method.PUT, "services/big", Map.of(), "x".repeat(10_000)));
        assertEquals(400, reply.whole(MetricNames.RESPONSE_CODE).orElseThrow());
        assertTrue(reply.string(MetricNames.EXCEPTION_MESSAGE).orElseThrow().contains("exceeds the limit"));
        assertTrue(device.supervisor.status("big").isEmpty());
    }

    @Test
    void aGzippedRequestIsAccepted() throws Exception {
        String id = hub.nextId();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(Payload.of(hub.metrics(id)).encode());
        }
        assertEquals(200, code(hub.send(id, NS.request(Device.ID, "SVC-V1", Method.GET, "services"), gz.toByteArray())));
    }

    @Test
    void aRequestBuiltByHandFromKurasDocumentedFormatGetsACorrectReply() throws Exception {
        // KuraPayload { timestamp = 1; metric = 5000 (KuraMetric: name = 1, type = 2, string_value = 8) }
        String id = "third-party-1";
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.write(0x08); // field 1, varint
        varint(raw, 1_700_000_000_000L);
        for (String[] metric : new String[][] {{"request.id", id}, {"requester.client.id", "hub-1"}}) {
            byte[] m = stringMetric(metric[0], metric[1]);
            varint(raw, (5000L << 3) | 2);
            varint(raw, m.length);
            raw.write(m);
        }
        Payload reply = TestRequester.await(hub.send(id, "$EDC/hearth/" + Device.ID + "/SYS-V1/GET/info", raw.toByteArray()));
        assertEquals(200, reply.whole(MetricNames.RESPONSE_CODE).orElseThrow());
        assertEquals("1.2.3", reply.string("firmware_version").orElseThrow());
        assertEquals("A", reply.string("hearth.slot").orElseThrow());
        assertTrue(reply.string("application_ids").orElseThrow().contains("SVC-V1"));
    }

    @Test
    void aRequesterNotOnTheAllowListIsIgnoredAndAudited() throws Exception {
        try (TestRequester stranger = new TestRequester(broker.url(), "stranger", Device.ID,
                MosquittoBroker.HUB_USER, MosquittoBroker.HUB_PASSWORD)) {
            CompletableFuture<Payload> reply = stranger.request("SVC-V1", Method.DEL, "services/anything", Map.of(), "");
            awaitAudit("'stranger' is not on the allow-list");
            assertThrows(TimeoutException.class, () -> reply.get(300, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void rebootRepliesFirstThenRunsTheRebootAction() throws Exception {
        int before = device.reboot.reboots.get();
        Payload reply = ok(hub.request("SYS-V1", Method.EXEC, "reboot", Map.of(), ""));
        assertEquals("counting", reply.string("reboot.action").orElseThrow());
        await(() -> device.reboot.reboots.get() == before + 1, "reboot action ran");
    }

    @Test
    void aStateChangeSendsTelemetry() throws Exception {
        hub.telemetry.clear();
        ok(hub.request("SVC-V1", Method.PUT, "services/pulse", Map.of(), "{\"driver\":\"injvm\",\"image\":\"hello\"}"));
        ok(hub.request("SVC-V1", Method.EXEC, "services/pulse/start", Map.of(), ""));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean seen = false;
        while (!seen && System.nanoTime() < deadline) {
            TestRequester.Message m = hub.telemetry.poll(200, TimeUnit.MILLISECONDS);
            seen = m != null && m.topic().equals("hearth/" + Device.ID + "/HEARTH/metrics")
                    && m.payload().metrics().containsKey("svc.pulse.instances")
                    && m.payload().metrics().containsKey("sys.heap_used_bytes");
        }
        assertTrue(seen, "telemetry with the service's metrics");
    }

    @Test
    void aFuzzRunOfTenThousandRandomPayloadsLeavesTheAgentServing() throws Exception {
        Random random = new Random(42);
        String topic = NS.request(Device.ID, "SVC-V1", Method.GET, "services");
        for (int i = 0; i < 10_000; i++) {
            byte[] b = new byte[random.nextInt(200)];
            random.nextBytes(b);
            if (i % 3 == 0 && b.length > 2) {
                b[0] = 0x1f;
                b[1] = (byte) 0x8b;
            }
            hub.publish(i % 5 == 0 ? topic + "/" + random.nextInt(3) : topic, b);
        }
        Payload reply = TestRequester.await(hub.request("SVC-V1", Method.GET, "services", Map.of(), ""));
        assertEquals(200, reply.whole(MetricNames.RESPONSE_CODE).orElseThrow());
        assertEquals(AgentState.CONNECTED, device.agent.state());
    }

    // ---- helpers ------------------------------------------------------------------------------

    static Payload ok(CompletableFuture<Payload> f) throws Exception {
        Payload p = TestRequester.await(f);
        assertEquals(200L, p.whole(MetricNames.RESPONSE_CODE).orElseThrow(),
                () -> "reply: " + p.string(MetricNames.EXCEPTION_MESSAGE).orElse(""));
        return p;
    }

    static long code(CompletableFuture<Payload> f) throws Exception {
        return TestRequester.await(f).whole(MetricNames.RESPONSE_CODE).orElseThrow();
    }

    static void awaitAudit(String text) throws Exception {
        Path log = device.settings.storeDirectory().resolve("audit.log");
        await(() -> {
            try {
                return Files.exists(log) && Files.readString(log).contains(text);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }, "audit entry '" + text + "'");
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    private static void assertThrows(Class<? extends Throwable> type, org.junit.jupiter.api.function.Executable e) {
        org.junit.jupiter.api.Assertions.assertThrows(type, e);
    }

    private static byte[] stringMetric(String name, String value) throws Exception {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        m.write(0x0a); // name = 1, length-delimited
        varint(m, n.length);
        m.write(n);
        m.write(0x10); // type = 2, varint
        m.write(5);    // STRING
        m.write(0x42); // string_value = 8, length-delimited
        varint(m, v.length);
        m.write(v);
        return m.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

}
