package dev.hearth.runtime;

import static dev.hearth.runtime.DistributionProcess.number;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code bin/hearth demo} as a person runs it, on free ports, driven through the gateway, the
 * admin endpoint, {@code hearth status} and the MQTT broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoIT {

    /** Short, so that scale to zero is seen quickly; long enough to see the instance between requests. */
    private static final int IDLE_TIMEOUT_MILLIS = 1_500;

    private final int gatewayPort = DistributionProcess.freePort();
    private final int adminPort = DistributionProcess.freePort();
    private final int brokerPort = DistributionProcess.freePort();
    private Path home;
    private DistributionProcess hearth;

    @BeforeAll
    void startDemo() throws Exception {
        home = DistributionProcess.built();
        Path work = DistributionProcess.workFolder("demo");
        Path overlay = Files.createDirectories(work.resolve("etc"));
        Files.writeString(overlay.resolve("dev.hearth.service~notes.cfg"), """
                name=notes
                driver=injvm
                image=notes
                idleTimeoutMillis=%d
                """.formatted(IDLE_TIMEOUT_MILLIS));
        hearth = DistributionProcess.start(home, work.resolve("hearth.log"), "demo",
                "--gateway-port", Integer.toString(gatewayPort), "--admin-port", Integer.toString(adminPort),
                "--broker-port", Integer.toString(brokerPort), "--state", work.resolve("state").toString(),
                "--etc", overlay.toString());
        hearth.awaitAdmin(adminPort);
    }

    @AfterAll
    void stopDemo() throws InterruptedException {
        if (hearth != null) {
            hearth.terminate();
            hearth.close();
        }
    }

    private URI gateway(String path) {
        return URI.create("http://127.0.0.1:" + gatewayPort + path);
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        return hearth.send(request);
    }

    private void awaitScaledToZero() throws InterruptedException {
        hearth.await("notes scaled to zero", Duration.ofSeconds(30), () -> {
            try {
                return number(hearth.service(adminPort, "notes"), "instances") == 0;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void everyBundleOfTheDistributionIsActiveAndTheDemoSaysWhatToTry() throws IOException {
        long jars;
        try (Stream<Path> files = Files.list(home.resolve("bundles"))) {
            jars = files.filter(f -> f.toString().endsWith(".jar")).count();
        }

        String output = hearth.output();
        assertTrue(output.contains("Userland running: " + jars + " bundles active"), output);
        assertTrue(output.contains("curl -i -X POST http://127.0.0.1:" + gatewayPort + "/notes/"), output);
        assertTrue(output.contains("./hearth status --admin http://127.0.0.1:" + adminPort), output);
    }

    @Test
    void theNotesServiceIsRegisteredAtZeroInstances() throws Exception {
        awaitScaledToZero();

        Map<String, Object> notes = hearth.service(adminPort, "notes");

        assertEquals("injvm", notes.get("driver"));
        assertEquals("IDLE", notes.get("state"));
        assertEquals(IDLE_TIMEOUT_MILLIS, number(notes, "idleTimeoutMillis"));
    }

    @Test
    void aNoteIsCreatedListedReadAndDeletedThroughTheGateway() throws Exception {
        HttpResponse<String> created = send(HttpRequest.newBuilder(gateway("/notes/"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"milk\",\"body\":\"2 l\"}")).build());
        assertEquals(201, created.statusCode(), created.body());
        String id = (String) DistributionProcess.json(created.body()).get("id");
        assertTrue(id != null && !id.isBlank(), created.body());

        HttpResponse<String> list = send(HttpRequest.newBuilder(gateway("/notes/")).GET().build());
        assertEquals(200, list.statusCode());
        assertTrue(DistributionProcess.jsonArray(list.body()).stream().anyMatch(n -> id.equals(n.get("id"))),
                list.body());

        HttpResponse<String> read = send(HttpRequest.newBuilder(gateway("/notes/" + id)).GET().build());
        assertEquals(200, read.statusCode());
        Map<String, Object> note = DistributionProcess.json(read.body());
        assertEquals("milk", note.get("title"));
        assertEquals("2 l", note.get("body"));

        HttpResponse<String> deleted = send(HttpRequest.newBuilder(gateway("/notes/" + id)).DELETE().build());
        assertEquals(204, deleted.statusCode());
        assertEquals(404, send(HttpRequest.newBuilder(gateway("/notes/" + id)).GET().build()).statusCode());
    }

    @Test
    void theInstanceBootedForARequestIsGoneAfterTheIdleTimeout() throws Exception {
        awaitScaledToZero();
        long coldStarts = number(hearth.service(adminPort, "notes"), "coldStarts");

        assertEquals(200, send(HttpRequest.newBuilder(gateway("/notes/")).GET().build()).statusCode());
        Map<String, Object> afterRequest = hearth.service(adminPort, "notes");

        assertEquals(coldStarts + 1, number(afterRequest, "coldStarts"));
        awaitScaledToZero();
        assertEquals("IDLE", hearth.service(adminPort, "notes").get("state"));
    }

    @Test
    void concurrentRequestsAreAllAnsweredAndMeteredExactly() throws Exception {
        awaitScaledToZero();
        Map<String, Object> before = hearth.service(adminPort, "notes");
        int sent = 64;

        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            responses.add(hearth.http().sendAsync(HttpRequest.newBuilder(gateway("/notes/")).GET()
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> response : responses) {
            assertEquals(200, response.get().statusCode(), response.get().body());
        }
        awaitScaledToZero();
        Map<String, Object> after = hearth.service(adminPort, "notes");

        assertEquals(number(before, "requests") + sent, number(after, "requests"));
        assertTrue(number(after, "coldStarts") >= number(before, "coldStarts") + 1, after.toString());
        assertEquals(number(before, "rejected"), number(after, "rejected"));
        // Every instance lived at least the idle timeout before it was stopped.
        assertTrue(number(after, "activeMillis") - number(before, "activeMillis") >= IDLE_TIMEOUT_MILLIS,
                before + " -> " + after);
    }

    @Test
    void concurrencyBeyondTheTargetScalesOutAndTheServiceGoesBackToZero() throws Exception {
        int burst = 4;
        HttpResponse<String> deployed = send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + adminPort + "/api/services/burst"))
                .PUT(HttpRequest.BodyPublishers.ofString("""
                        {"driver":"injvm","image":"notes","targetConcurrency":1,"maxInstances":%d,
                         "idleTimeoutMillis":%d}""".formatted(burst, IDLE_TIMEOUT_MILLIS))).build());
        assertEquals(200, deployed.statusCode(), deployed.body());

        // Each request's body is held back after its first chunk: the notes handler waits for the
        // rest, so every request stays in flight and each needs an instance of its own.
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < burst; i++) {
                Socket client = new Socket(InetAddress.getLoopbackAddress(), gatewayPort);
                clients.add(client);
                client.getOutputStream().write(("POST /burst/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "1\r\n{\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                client.getOutputStream().flush();
            }
            hearth.await(burst + " instances, each with a request in flight", Duration.ofSeconds(30), () -> {
                try {
                    Map<String, Object> s = hearth.service(adminPort, "burst");
                    return number(s, "instances") == burst && number(s, "inFlight") == burst;
                } catch (IOException e) {
                    return false;
                }
            });
            for (Socket client : clients) {
                String rest = "\"title\":\"held\"}";
                client.getOutputStream().write((Integer.toHexString(rest.length()) + "\r\n" + rest
                        + "\r\n0\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                client.getOutputStream().flush();
                String statusLine = new String(client.getInputStream().readNBytes(12),
                        java.nio.charset.StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 201", statusLine);
            }
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }

        hearth.await("burst scaled to zero", Duration.ofSeconds(30), () -> {
            try {
                return number(hearth.service(adminPort, "burst"), "instances") == 0;
            } catch (IOException e) {
                return false;
            }
        });
        Map<String, Object> after = hearth.service(adminPort, "burst");
        assertEquals(burst, number(after, "requests"));
        assertEquals(burst, number(after, "coldStarts"));
        assertEquals("IDLE", after.get("state"));
        assertTrue(number(after, "activeMillis") >= (long) burst * IDLE_TIMEOUT_MILLIS, after.toString());
    }

    @Test
    void hearthStatusPrintsTheServicesAsATable() throws Exception {
        Path log = DistributionProcess.workFolder("demo-status").resolve("status.log");
        try (DistributionProcess status = DistributionProcess.start(home, log, "status", "--admin",
                "http://127.0.0.1:" + adminPort)) {
            assertEquals(0, status.awaitExit(Duration.ofSeconds(30)), status.output());
            List<String> lines = status.output().lines().toList();
            assertTrue(lines.get(0).startsWith("NAME"), status.output());
            assertTrue(lines.get(0).contains("COLD STARTS"), status.output());
            assertTrue(lines.stream().anyMatch(l -> l.matches("notes\\s+injvm\\s+\\w+\\s+\\d+.*")), status.output());
        }
    }

    @Test
    void theEmbeddedBrokerAnswersAnMqttConnect() throws IOException {
        byte[] clientId = "hearth-it".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] variableHeader = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60};
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), brokerPort)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(0x10);
            out.write(variableHeader.length + 2 + clientId.length);
            out.write(variableHeader);
            out.write(0);
            out.write(clientId.length);
            out.write(clientId);
            out.flush();

            byte[] connack = new byte[4];
            new DataInputStream(socket.getInputStream()).readFully(connack);

            assertArrayEquals(new byte[] {0x20, 0x02, 0x00, 0x00}, connack);
        }
    }
}
