package dev.hearth.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.agent.api.Request;
import dev.hearth.agent.api.Response;
import dev.hearth.agent.wire.ControlTopic;
import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.Payload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedService;
import org.osgi.util.tracker.ServiceTracker;

/**
 * CONF-V1 against Felix's Config Admin bundle running in a real Felix framework, configurations
 * stored in files: what a PUT writes, Config Admin holds and delivers to the component, a GET reads
 * back, with secrets masked.
 */
class ConfigurationAppFelixTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Framework felix;
    static ConfigurationAdmin admin;
    static ConfigurationApp app;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> config = Map.of(
                Constants.FRAMEWORK_STORAGE, dir.resolve("felix").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                // The test's class path and the Config Admin bundle must share the service's API.
                Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "org.osgi.service.cm;version=1.6.0",
                "felix.cm.dir", dir.resolve("config").toString());
        felix = new FrameworkFactory().newFramework(config);
        felix.start();
        BundleContext context = felix.getBundleContext();
        String jar = org.apache.felix.cm.impl.ConfigurationManager.class.getProtectionDomain().getCodeSource()
                .getLocation().toString();
        Bundle cm = context.installBundle(jar);
        cm.start();
        ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> tracker = new ServiceTracker<>(context, ConfigurationAdmin.class, null);
        tracker.open();
        admin = tracker.waitForService(10_000);
        assertNotNull(admin, "Config Admin registered");
        app = new ConfigurationApp(admin);
    }

    @AfterAll
    static void stop() throws Exception {
        felix.stop();
        felix.waitForStop(10_000);
    }

    @Test
    void aPutConfigurationIsHeldByConfigAdminDeliveredAndReadBackWithSecretsMasked() throws Exception {
        BlockingQueue<Dictionary<String, ?>> delivered = new LinkedBlockingQueue<>();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_PID, "dev.hearth.gateway");
        var registration = felix.getBundleContext().registerService(ManagedService.class, properties -> {
            if (properties != null) {
                delivered.add(properties);
            }
        }, props);
        try {
            Response put = app.handle(request(Method.PUT, "configurations/dev.hearth.gateway",
                    "{\"port\":8088,\"host\":\"127.0.0.1\",\"domains\":[\"home\",\"lan\"],\"adminPassword\":\"s3cret\","
                            + "\"tlsKey\":\"-----BEGIN PRIVATE KEY-----\",\"compress\":true}"));
            assertEquals(Response.OK, put.code(), put.message());
            assertEquals(ConfigurationApp.MASK, JSON.readTree(put.body()).at("/properties/adminPassword").asText());

            Dictionary<String, ?> seen = delivered.poll(10, TimeUnit.SECONDS);
            assertNotNull(seen, "the component got its configuration");
            assertEquals(8088L, seen.get("port"));
            assertEquals("s3cret", seen.get("adminPassword"), "the component gets the real secret");
            assertEquals(List.of("home", "lan"), Arrays.asList((String[]) seen.get("domains")));
            assertEquals(Boolean.TRUE, seen.get("compress"));

            Response get = app.handle(request(Method.GET, "configurations/dev.hearth.gateway", ""));
            assertEquals(Response.OK, get.code(), get.message());
            JsonNode p = JSON.readTree(get.body()).get("properties");
            assertEquals(8088, p.get("port").asInt());
            assertEquals("127.0.0.1", p.get("host").asText());
            assertEquals(List.of("home", "lan"), List.of(p.get("domains").get(0).asText(), p.get("domains").get(1).asText()));
            assertTrue(p.get("compress").asBoolean());
            assertEquals(ConfigurationApp.MASK, p.get("adminPassword").asText());
            assertEquals(ConfigurationApp.MASK, p.get("tlsKey").asText());
            assertFalse(get.body().length == 0 || new String(get.body(), StandardCharsets.UTF_8).contains("s3cret"),
                    "no secret in the reply");
        } finally {
            registration.unregister();
        }
    }

    @Test
    void theListHoldsOnlyHearthConfigurations() throws Exception {
        admin.getConfiguration("org.example.other", "?").update(new Hashtable<>(Map.of("a", "b")));
        assertEquals(Response.OK, app.handle(request(Method.PUT, "configurations/dev.hearth.supervisor",
                "{\"stateDirectory\":\"/var/lib/hearth\"}")).code());
        JsonNode list = JSON.readTree(app.handle(request(Method.GET, "configurations", "")).body());
        List<String> pids = list.findValuesAsText("pid");
        assertTrue(pids.contains("dev.hearth.supervisor"), pids.toString());
        assertFalse(pids.contains("org.example.other"), pids.toString());
        assertTrue(pids.stream().allMatch(pid -> pid.startsWith("dev.hearth.")), pids.toString());
    }

    @Test
    void wrongPidsMasksAndBodiesAreRefused() {
        assertEquals(Response.NOT_FOUND, app.handle(request(Method.GET, "configurations/dev.hearth.nothing", "")).code());
        assertEquals(Response.NOT_FOUND, app.handle(request(Method.GET, "configurations/org.example.other", "")).code());
        Response masked = app.handle(request(Method.PUT, "configurations/dev.hearth.agent", "{\"password\":\"********\"}"));
        assertEquals(Response.BAD_REQUEST, masked.code());
        assertTrue(masked.message().contains("holds the mask"), masked.message());
        assertEquals(Response.BAD_REQUEST, app.handle(request(Method.PUT, "configurations/dev.hearth.agent", "[1,2]")).code());
        assertEquals(Response.BAD_REQUEST, app.handle(request(Method.PUT, "configurations/dev.hearth.agent",
                "{\"nested\":{\"a\":1}}")).code());
    }

    private static Request request(Method method, String resource, String body) {
        ControlTopic topic = new ControlTopic(ConfigurationApp.ID, method.name(), List.of(resource.split("/")));
        return new Request(topic, method, "r-1", "hub-1",
                Payload.of(Map.of(), body.getBytes(StandardCharsets.UTF_8)), false,
                (type, metrics) -> { });
    }
}
