package dev.hearth.agent;

import static dev.hearth.agent.AgentMosquittoTest.await;
import static dev.hearth.agent.AgentMosquittoTest.code;
import static dev.hearth.agent.AgentMosquittoTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.hearth.agent.api.Request;
import dev.hearth.agent.api.Response;
import dev.hearth.agent.wire.ControlTopic;
import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.MetricNames;
import dev.hearth.agent.wire.Payload;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

/**
 * DEPLOY-V2 end to end: a hub on a real Mosquitto commands the agent, which downloads bundle jars
 * from a local HTTP server into a real Felix framework, with progress notifications.
 */
class DeployAppTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Framework felix;
    static HttpServer http;
    static final Map<String, byte[]> served = new ConcurrentHashMap<>();
    static MosquittoBroker broker;
    static DeployApp deploy;
    static Device device;
    static TestRequester hub;

    @BeforeAll
    static void start() throws Exception {
        felix = new FrameworkFactory().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, dir.resolve("felix").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        felix.start();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            byte[] body = served.get(exchange.getRequestURI().getPath());
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        http.start();
        broker = new MosquittoBroker(dir);
        hub = new TestRequester(broker.url(), "hub-1", Device.ID, MosquittoBroker.HUB_USER, MosquittoBroker.HUB_PASSWORD);
        deploy = new DeployApp(new FrameworkBundleInstaller(felix.getBundleContext()), dir.resolve("deploy"), Device.ID);
        device = new Device(broker.url(), dir, s -> s.withCredentials(MosquittoBroker.DEVICE_USER,
                MosquittoBroker.DEVICE_PASSWORD).withTelemetryIntervalSeconds(0), List.of(deploy));
        await(() -> device.agent.state() == AgentState.CONNECTED, "agent connected");
    }

    @AfterAll
    static void stop() throws Exception {
        device.close();
        deploy.close();
        hub.close();
        broker.close();
        http.stop(0);
        felix.stop();
        felix.waitForStop(10_000);
    }

    @Test
    void aPackageIsDownloadedVerifiedInstalledAndStartedWithProgressInOrder() throws Exception {
        byte[] jar = bundleJar("dev.test.greeting", "1.0.0", 400_000);
        ok(download("greeting", "1.0.0", 1, serve("/greeting.jar", jar), sha256(jar)));

        List<Payload> notes = notificationsUntilDone(1);
        List<Payload> downloads = notes.stream().filter(p -> p.metrics().containsKey(MetricNames.DP_DOWNLOAD_STATUS)).toList();
        List<Payload> installs = notes.stream().filter(p -> p.metrics().containsKey(MetricNames.DP_INSTALL_STATUS)).toList();
        assertTrue(downloads.size() >= 3, "progress was reported along the way: " + statuses(downloads));
        long last = -1;
        for (Payload p : downloads.subList(0, downloads.size() - 1)) {
            assertEquals("IN_PROGRESS", p.string(MetricNames.DP_DOWNLOAD_STATUS).orElseThrow());
            long progress = p.whole(MetricNames.DP_DOWNLOAD_PROGRESS).orElseThrow();
            assertTrue(progress >= last && progress < 100, "progress goes up: " + statuses(downloads));
            last = progress;
            assertEquals(jar.length, p.whole(MetricNames.DP_DOWNLOAD_SIZE).orElseThrow());
            assertEquals(Device.ID, p.string(MetricNames.CLIENT_ID).orElseThrow());
            assertEquals(1L, p.whole(MetricNames.JOB_ID).orElseThrow());
        }
        Payload done = downloads.get(downloads.size() - 1);
        assertEquals("COMPLETED", done.string(MetricNames.DP_DOWNLOAD_STATUS).orElseThrow());
        assertEquals(100L, done.whole(MetricNames.DP_DOWNLOAD_PROGRESS).orElseThrow());
        assertEquals(downloads.size(), notes.indexOf(done) + 1, "the install is reported after the download");
        assertEquals("COMPLETED", installs.get(installs.size() - 1).string(MetricNames.DP_INSTALL_STATUS).orElseThrow());
        assertEquals(100L, installs.get(installs.size() - 1).whole(MetricNames.DP_INSTALL_PROGRESS).orElseThrow());

        Bundle bundle = felixBundle("dev.test.greeting").orElseThrow();
        assertEquals(Bundle.ACTIVE, bundle.getState());

        JsonNode listed = packageNamed(JSON.readTree(ok(hub.request(DeployApp.ID, Method.GET, "packages", Map.of(), "")).body()),
                "greeting").orElseThrow();
        assertEquals("1.0.0", listed.get("version").asText());
        assertEquals("ACTIVE", listed.get("state").asText());
        assertEquals(bundle.getBundleId(), listed.get("bundleId").asLong());

        try (DeployApp restarted = new DeployApp(new FrameworkBundleInstaller(felix.getBundleContext()), dir.resolve("deploy"), Device.ID)) {
            Response again = restarted.handle(direct(Method.GET, "packages"));
            assertTrue(packageNamed(JSON.readTree(again.body()), "greeting").isPresent(), "known after a restart");
        }

        ok(download("greeting", "1.0.0", 2, serve("/greeting.jar", jar), sha256(jar)));
        List<Payload> repeat = notificationsUntilDone(2);
        assertEquals("ALREADY DONE", repeat.get(repeat.size() - 1).string(MetricNames.DP_DOWNLOAD_STATUS).orElseThrow());
    }

    @Test
    void aWrongHashFailsTheDownloadWithTheReasonAndInstallsNothing() throws Exception {
        byte[] jar = bundleJar("dev.test.tampered", "1.0.0", 10_000);
        ok(download("tampered", "1.0.0", 10, serve("/tampered.jar", jar), sha256("something else".getBytes())));

        List<Payload> notes = notificationsUntilDone(10);
        Payload failed = notes.get(notes.size() - 1);
        assertEquals("FAILED", failed.string(MetricNames.DP_DOWNLOAD_STATUS).orElseThrow());
        assertTrue(failed.string(MetricNames.DP_DOWNLOAD_ERROR).orElseThrow().contains("hash mismatch"),
                failed.metrics().toString());
        assertTrue(notes.stream().noneMatch(p -> p.metrics().containsKey(MetricNames.DP_INSTALL_STATUS)), "no install step");
        assertTrue(felixBundle("dev.test.tampered").isEmpty(), "nothing installed");
        JsonNode list = JSON.readTree(ok(hub.request(DeployApp.ID, Method.GET, "packages", Map.of(), "")).body());
        assertTrue(packageNamed(list, "tampered").isEmpty(), list.toString());
    }

    @Test
    void aPackageIsStoppedStartedAndUninstalledAndThenUnknown() throws Exception {
        byte[] jar = bundleJar("dev.test.farewell", "2.1.0", 10_000);
        ok(download("farewell", "2.1.0", 20, serve("/farewell.jar", jar), sha256(jar)));
        List<Payload> notes = notificationsUntilDone(20);
        assertEquals("COMPLETED", notes.get(notes.size() - 1).string(MetricNames.DP_INSTALL_STATUS).orElseThrow());
        Bundle bundle = felixBundle("dev.test.farewell").orElseThrow();

        JsonNode bundles = JSON.readTree(ok(hub.request(DeployApp.ID, Method.GET, "bundles", Map.of(), "")).body());
        assertTrue(bundles.findValuesAsText("symbolicName").contains("dev.test.farewell"), bundles.toString());
        assertTrue(bundles.findValues("id").stream().anyMatch(id -> id.asLong() == 0), "the system bundle is listed");

        ok(hub.request(DeployApp.ID, Method.EXEC, "stop/" + bundle.getBundleId(), Map.of(), ""));
        assertEquals(Bundle.RESOLVED, bundle.getState());
        ok(hub.request(DeployApp.ID, Method.EXEC, "start/" + bundle.getBundleId(), Map.of(), ""));
        assertEquals(Bundle.ACTIVE, bundle.getState());

        ok(hub.request(DeployApp.ID, Method.EXEC, "uninstall", Map.of(MetricNames.DP_NAME, "farewell"), ""));
        assertEquals(Bundle.UNINSTALLED, bundle.getState());
        assertTrue(felixBundle("dev.test.farewell").isEmpty());
        JsonNode list = JSON.readTree(ok(hub.request(DeployApp.ID, Method.GET, "packages", Map.of(), "")).body());
        assertTrue(packageNamed(list, "farewell").isEmpty(), list.toString());
        assertEquals(404L, code(hub.request(DeployApp.ID, Method.EXEC, "uninstall", Map.of(MetricNames.DP_NAME, "farewell"), "")));
    }

    @Test
    void unknownPackagesAndBundlesAre404AndBadMetrics400() throws Exception {
        assertEquals(404L, code(hub.request(DeployApp.ID, Method.EXEC, "uninstall", Map.of(MetricNames.DP_NAME, "nothing"), "")));
        assertEquals(404L, code(hub.request(DeployApp.ID, Method.EXEC, "start/99999", Map.of(), "")));
        assertEquals(404L, code(hub.request(DeployApp.ID, Method.GET, "nothing", Map.of(), "")));
        assertEquals(400L, code(hub.request(DeployApp.ID, Method.EXEC, "uninstall", Map.of(), "")));
        assertEquals(400L, code(hub.request(DeployApp.ID, Method.EXEC, "stop/abc", Map.of(), "")));
        assertEquals(400L, code(hub.request(DeployApp.ID, Method.EXEC, "stop/0", Map.of(), "")));

        Map<String, Object> noUri = downloadMetrics("x", "1.0.0", 30, "", sha256(new byte[1]));
        noUri.remove(MetricNames.DP_URI);
        Payload missing = TestRequester.await(hub.request(DeployApp.ID, Method.EXEC, "download", noUri, ""));
        assertEquals(400L, missing.whole(MetricNames.RESPONSE_CODE).orElseThrow());
        assertTrue(missing.string(MetricNames.EXCEPTION_MESSAGE).orElseThrow().contains("dp.uri"));
        assertEquals(400L, code(hub.request(DeployApp.ID, Method.EXEC, "download",
                downloadMetrics("x", "1.0.0", 31, "ftp://127.0.0.1/x.jar", sha256(new byte[1])), "")));
        assertEquals(400L, code(hub.request(DeployApp.ID, Method.EXEC, "download",
                downloadMetrics("x", "1.0.0", 32, "http://127.0.0.1/x.jar", "SHA-256:zz"), "")));
        assertEquals(400L, code(hub.request(DeployApp.ID, Method.EXEC, "download",
                downloadMetrics("x", "not a version", 33, "http://127.0.0.1/x.jar", sha256(new byte[1])), "")));
        assertEquals(400L, code(hub.request(DeployApp.ID, Method.EXEC, "download",
                downloadMetrics("../x", "1.0.0", 34, "http://127.0.0.1/x.jar", sha256(new byte[1])), "")));
    }

    // --- helpers

    private static java.util.concurrent.CompletableFuture<Payload> download(String name, String version, long job, String uri,
                                                                           String hash) {
        return hub.request(DeployApp.ID, Method.EXEC, "download", downloadMetrics(name, version, job, uri, hash), "");
    }

    private static Map<String, Object> downloadMetrics(String name, String version, long job, String uri, String hash) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(MetricNames.DP_URI, uri);
        m.put(MetricNames.DP_NAME, name);
        m.put(MetricNames.DP_VERSION, version);
        m.put(MetricNames.JOB_ID, job);
        m.put(MetricNames.DP_INSTALL, true);
        m.put(MetricNames.DP_DOWNLOAD_HASH, hash);
        return m;
    }

    /** The notifications of one job, in arrival order, up to its last (COMPLETED, FAILED or ALREADY DONE). */
    private static List<Payload> notificationsUntilDone(long job) throws InterruptedException {
        List<Payload> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            TestRequester.Message m = hub.notifications.poll(100, TimeUnit.MILLISECONDS);
            if (m == null || m.payload().whole(MetricNames.JOB_ID).orElse(-1L) != job) {
                continue;
            }
            assertTrue(m.topic().startsWith("$EDC/hearth/hub-1/DEPLOY-V2/NOTIFY/" + Device.ID + "/"), m.topic());
            seen.add(m.payload());
            Payload p = m.payload();
            String download = p.string(MetricNames.DP_DOWNLOAD_STATUS).orElse("");
            String install = p.string(MetricNames.DP_INSTALL_STATUS).orElse("");
            if (download.equals("FAILED") || download.equals("ALREADY DONE")
                    || install.equals("COMPLETED") || install.equals("FAILED")) {
                return seen;
            }
        }
        throw new AssertionError("job " + job + " did not finish; seen " + statuses(seen));
    }

    private static List<String> statuses(List<Payload> notes) {
        return notes.stream().map(p -> p.string(MetricNames.DP_DOWNLOAD_STATUS).map(s -> "download " + s)
                .orElse("install " + p.string(MetricNames.DP_INSTALL_STATUS).orElse("?"))
                + " " + p.whole(MetricNames.DP_DOWNLOAD_PROGRESS).or(() -> p.whole(MetricNames.DP_INSTALL_PROGRESS)).orElse(-1L))
                .toList();
    }

    private static Optional<JsonNode> packageNamed(JsonNode list, String name) {
        for (JsonNode p : list) {
            if (p.get("name").asText().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static Optional<Bundle> felixBundle(String symbolicName) {
        return Arrays.stream(felix.getBundleContext().getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst();
    }

    private static Request direct(Method method, String resource) {
        return new Request(new ControlTopic(DeployApp.ID, method.name(), List.of(resource.split("/"))), method, "r-1", "hub-1",
                Payload.of(Map.of()), false, (type, metrics) -> { });
    }

    private static String serve(String path, byte[] body) {
        served.put(path, body);
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "SHA-256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** A minimal bundle: a manifest and {@code size} random bytes stored uncompressed. */
    private static byte[] bundleJar(String symbolicName, String version, int size) throws Exception {
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        a.putValue(Constants.BUNDLE_SYMBOLICNAME, symbolicName);
        a.putValue(Constants.BUNDLE_VERSION, version);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            byte[] data = new byte[size];
            new Random(size).nextBytes(data);
            jar.putNextEntry(new JarEntry("data.bin"));
            jar.write(data);
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }
}
