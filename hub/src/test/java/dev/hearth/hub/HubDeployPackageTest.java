package dev.hearth.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.hearth.agent.Agent;
import dev.hearth.agent.AgentSettings;
import dev.hearth.agent.AgentState;
import dev.hearth.agent.DeployApp;
import dev.hearth.agent.DeviceFacts;
import dev.hearth.agent.FrameworkBundleInstaller;
import dev.hearth.agent.RebootAction;
import dev.hearth.agent.api.App;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorEventSink;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import dev.hearth.testsupport.Mosquitto;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.jar.Attributes;
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

/** {@code hub deploy-package | packages | undeploy-package} against an agent over Mosquitto installing into a real Felix. */
class HubDeployPackageTest {

    @TempDir
    static Path dir;
    static Mosquitto broker;
    static String url;
    static Framework felix;
    static HttpServer http;
    static byte[] jar;
    static ElasticSupervisor supervisor;
    static DeployApp deploy;
    static Agent agent;

    @BeforeAll
    static void start() throws Exception {
        broker = Mosquitto.anonymous(dir.resolve("mosquitto")).start();
        url = broker.url();

        felix = new FrameworkFactory().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, dir.resolve("felix").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        felix.start();
        jar = bundleJar("dev.test.lamp", "1.2.0");
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/lamp.jar", exchange -> {
            exchange.sendResponseHeaders(200, jar.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jar);
            }
            exchange.close();
        });
        http.start();

        supervisor = new ElasticSupervisor(SupervisorSettings.defaults(dir.resolve("state")), SupervisorEventSink.NONE);
        DeviceFacts facts = new DeviceFacts("board-9", "test", "9", "2.0.0", "A", "felix", "7");
        RebootAction noReboot = new RebootAction() {
            @Override public String name() { return "none"; }
            @Override public void reboot() { }
        };
        deploy = new DeployApp(new FrameworkBundleInstaller(felix.getBundleContext()), dir.resolve("deploy"), "board-9");
        List<App> apps = new ArrayList<>(Agent.standardApps(supervisor, noReboot, facts));
        apps.add(deploy);
        agent = new Agent(AgentSettings.defaults(url, "board-9", dir.resolve("agent"))
                .withAllowedRequesters(Set.of("hearth-hub")).withTelemetryIntervalSeconds(0), supervisor, facts, apps);
        agent.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (agent.state() != AgentState.CONNECTED && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        assertEquals(AgentState.CONNECTED, agent.state());
    }

    @AfterAll
    static void stop() throws Exception {
        agent.close();
        deploy.close();
        supervisor.close();
        http.stop(0);
        felix.stop();
        felix.waitForStop(10_000);
        broker.close();
    }

    @Test
    void aPackageIsDeployedListedAndUndeployedThroughTheCli() throws Exception {
        String uri = "http://127.0.0.1:" + http.getAddress().getPort() + "/lamp.jar";
        HubCommandTest.Run wrong = hub("deploy-package", "board-9", uri, "--name=lamp", "--version=1.2.0", "--job=1",
                "--hash=SHA-256:" + "00".repeat(32));
        assertEquals(1, wrong.code(), wrong.out() + wrong.err());
        assertTrue(wrong.out().contains("FAILED: hash mismatch"), wrong.out());
        assertTrue(lamp().isEmpty(), "nothing installed");

        HubCommandTest.Run ok = hub("deploy-package", "board-9", uri, "--name=lamp", "--version=1.2.0", "--job=2",
                "--hash=SHA-256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jar)));
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().contains("download 100% COMPLETED"), ok.out());
        assertTrue(ok.out().strip().endsWith("install 100% COMPLETED"), ok.out());
        assertEquals(Bundle.ACTIVE, lamp().orElseThrow().getState());

        HubCommandTest.Run list = hub("packages", "board-9");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("lamp") && l.contains("1.2.0") && l.endsWith("ACTIVE")), list.out());

        HubCommandTest.Run gone = hub("undeploy-package", "board-9", "lamp");
        assertEquals(0, gone.code(), gone.err());
        assertTrue(lamp().isEmpty(), "uninstalled");
        HubCommandTest.Run again = hub("undeploy-package", "board-9", "lamp");
        assertEquals(1, again.code());
        assertTrue(again.err().contains("404"), again.err());
    }

    private static java.util.Optional<Bundle> lamp() {
        return Arrays.stream(felix.getBundleContext().getBundles()).filter(b -> "dev.test.lamp".equals(b.getSymbolicName())).findFirst();
    }

    private static HubCommandTest.Run hub(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--broker=" + url;
        all[1] = "--timeout=3s";
        System.arraycopy(args, 0, all, 2, args.length);
        int code = HubCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
        return new HubCommandTest.Run(code, out.toString(), err.toString());
    }

    private static byte[] bundleJar(String symbolicName, String version) throws Exception {
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        a.putValue(Constants.BUNDLE_SYMBOLICNAME, symbolicName);
        a.putValue(Constants.BUNDLE_VERSION, version);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new JarOutputStream(bytes, manifest).close();
        return bytes.toByteArray();
    }
}
