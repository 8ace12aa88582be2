package dev.hearth.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.supervisor.ServiceState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayTest {

    @TempDir
    Path state;

    private Services services;

    @BeforeEach
    void start() {
        services = new Services(state, GatewaySettings.defaults());
    }

    @AfterEach
    void stop() {
        services.close();
    }

    // ---- routing

    @Test
    void theFirstPathSegmentNamesTheServiceAndTheRestIsThePathInsideIt() throws Exception {
        HttpResponse<String> response = get("/echo/notes/42?sort=title&x=1");

        assertEquals(200, response.statusCode());
        assertEquals("GET /notes/42 sort=title&x=1 -", response.body());
    }

    @Test
    void aServiceNameAloneReachesTheServiceRoot() throws Exception {
        assertEquals("GET /  -", get("/echo").body());
        assertEquals("GET / q=1 -", get("/echo?q=1").body());
    }

    @Test
    void aHostUnderTheDomainSendsTheWholePathToThatService() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            RawConnection.Response response = c.send("GET /count/this?a=b HTTP/1.1\r\nHost: echo.hearth.local:8080\r\n\r\n")
                    .read();

            assertEquals(200, response.status());
            assertEquals("GET /count/this a=b -", response.text());
        }
    }

    @Test
    void aHostOutsideTheDomainFallsBackToPathRouting() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            RawConnection.Response response = c.send("GET /echo/x HTTP/1.1\r\nHost: echo.example.org\r\n\r\n").read();

            assertEquals("GET /x  -", response.text());
        }
    }

    @Test
    void headerNamesReachTheServiceInLowerCase() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            RawConnection.Response response = c.send("GET /echo/ HTTP/1.1\r\nHost: h\r\nX-TEST: shouty\r\n\r\n").read();

            assertEquals("GET /  shouty", response.text());
        }
    }

    @Test
    void anAbsoluteRequestTargetIsRoutedByItsAuthority() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            RawConnection.Response response = c.send(
                    "GET http://echo.hearth.local/a/b?c HTTP/1.1\r\nHost: elsewhere\r\n\r\n").read();

            assertEquals("GET /a/b c -", response.text());
        }
    }

    // ---- connections

    @Test
    void severalRequestsShareOneKeepAliveConnection() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            for (int i = 0; i < 3; i++) {
                RawConnection.Response response = c.send("GET /echo/" + i + " HTTP/1.1\r\nHost: h\r\n\r\n").read();
                assertEquals("GET /" + i + "  -", response.text());
                assertEquals(null, response.header("connection"));
            }
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            c.send("GET /echo/1 HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "POST /count/ HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /nothing-here/ HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "GET /echo/4 HTTP/1.1\r\nHost: h\r\n\r\n");

            assertEquals("GET /1  -", c.read().text());
            assertEquals("5", c.read().text());
            assertEquals(404, c.read().status());
            assertEquals("GET /4  -", c.read().text());
        }
    }

    @Test
    void anHttp10RequestIsAnsweredAndItsConnectionClosed() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            RawConnection.Response response = c.send("GET /echo/old HTTP/1.0\r\n\r\n").read();

            assertEquals(200, response.status());
            assertEquals("GET /old  -", response.text());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void anHttp10ClientAskingForKeepAliveKeepsItsConnection() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            RawConnection.Response first = c.send("GET /echo/1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
            assertEquals("keep-alive", first.header("connection"));

            RawConnection.Response second = c.send("GET /echo/2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
            assertEquals("GET /2  -", second.text());
        }
    }

    @Test
    void anHttp10ClientGetsAStreamedBodyEndedByTheClose() throws Exception {
        services.streamRelease.countDown();
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            RawConnection.Response response = c.send("GET /stream/ HTTP/1.0\r\n\r\n").read();

            assertEquals(null, response.header("transfer-encoding"));
            assertEquals("first\nsecond\n", response.text());
        }
    }

    @Test
    void aBodyTheServiceDidNotReadIsDiscardedAndTheConnectionKept() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            RawConnection.Response ignored = c.send("POST /ignore/ HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n")
                    .read();
            assertEquals("ignored", ignored.text());

            RawConnection.Response next = c.send("0123456789GET /echo/next HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertEquals("GET /next  -", next.text());
        }
    }

    @Test
    void expectContinueIsAnsweredWhenTheServiceReadsTheBody() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            c.send("POST /count/ HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");

            assertEquals(100, c.read().status());
            RawConnection.Response response = c.send("12345").read();
            assertEquals("5", response.text());
        }
    }

    @Test
    void anUnknownServiceIsRefusedWithoutAsking100Continue() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            RawConnection.Response response = c.send(
                    "PUT /nothing-here/ HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n").read();

            assertEquals(404, response.status());
            assertEquals("close", response.header("connection"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void anUnsupportedExpectationIsRefusedWith417() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            RawConnection.Response response = c.send(
                    "POST /count/ HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: telepathy\r\n\r\n").read();

            assertEquals(417, response.status());
        }
    }

    @Test
    void aHeadRequestGetsTheHeadersWithoutTheBody() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            c.send("HEAD /echo/x HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK", c.line());
            String contentLength = null;
            for (String line = c.line(); !line.isEmpty(); line = c.line()) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    contentLength = line.substring(15).trim();
                }
            }
            assertEquals(Integer.toString("HEAD /x  -".length()), contentLength);

            // No body came: the next response starts right away.
            assertEquals("GET /y  -", c.send("GET /echo/y HTTP/1.1\r\nHost: h\r\n\r\n").read().text());
        }
    }

    // ---- bodies

    @Test
    void aLargeChunkedUploadReachesTheServiceWhileItIsStillArriving() throws Exception {
        long size = 64L << 20;
        AtomicLong supplied = new AtomicLong();
        InputStream upload = new InputStream() {
            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] into, int offset, int length) {
                long left = size - supplied.get();
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(length, left);
                supplied.addAndGet(n);
                return n;
            }
        };
        CompletableFuture<HttpResponse<String>> response = services.client.sendAsync(
                HttpRequest.newBuilder(services.uri("/upload/")).POST(HttpRequest.BodyPublishers.ofInputStream(() -> upload))
                        .build(), HttpResponse.BodyHandlers.ofString());

        assertTrue(services.uploadStarted.await(20, TimeUnit.SECONDS), "the service saw the first bytes");
        assertTrue(supplied.get() < size, "the upload was not complete when the service read its first bytes");
        services.uploadRelease.countDown();

        HttpResponse<String> answered = response.get(45, TimeUnit.SECONDS);
        assertEquals(200, answered.statusCode());
        assertEquals(Long.toString(size), answered.body());
    }

    @Test
    void aChunkedResponseReachesTheClientAsTheServiceWritesIt() throws Exception {
        HttpResponse<InputStream> response = services.client.send(
                HttpRequest.newBuilder(services.uri("/stream/")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertEquals("chunked", response.headers().firstValue("transfer-encoding").orElseThrow());

        try (BufferedReader body = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertEquals("first", body.readLine(), "the first part came while the service still held the second");
            services.streamRelease.countDown();
            assertEquals("second", body.readLine());
            assertEquals(null, body.readLine());
        }
    }

    @Test
    void aLargeResponseOfKnownLengthIsStreamedWithThatLength() throws Exception {
        HttpResponse<byte[]> response = services.client.send(HttpRequest.newBuilder(services.uri("/big/")).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(Integer.toString(Services.BIG), response.headers().firstValue("content-length").orElseThrow());
        byte[] expected = new byte[Services.BIG];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) i;
        }
        assertArrayEquals(expected, response.body());
    }

    // ---- refusals

    @Test
    void anUnknownServiceIsAnswered404WithAJsonError() throws Exception {
        HttpResponse<String> response = get("/nothing-here/x");

        assertEquals(404, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        JsonNode error = JsonBody.MAPPER.readTree(response.body());
        assertTrue(error.get("error").asText().contains("nothing-here"));
        assertEquals("UNKNOWN_SERVICE", error.get("reason").asText());
        assertEquals("nothing-here", error.get("service").asText());
    }

    @Test
    void aRequestNamingNoServiceIsAnswered404() throws Exception {
        HttpResponse<String> response = get("/");

        assertEquals(404, response.statusCode());
        assertTrue(JsonBody.MAPPER.readTree(response.body()).get("error").asText().contains("no service"));
    }

    @Test
    void aFullQueueIsRefusedWith503AndRetryAfter() throws Exception {
        CompletableFuture<HttpResponse<String>> inFlight = getAsync("/gate/1");
        Services.awaitCondition("one request in flight", () -> services.status("gate").inFlight() == 1);
        CompletableFuture<HttpResponse<String>> queued = getAsync("/gate/2");
        Services.awaitCondition("one request queued", () -> services.status("gate").queued() == 1);

        HttpResponse<String> refused = get("/gate/3");

        assertEquals(503, refused.statusCode());
        assertEquals("1", refused.headers().firstValue("retry-after").orElseThrow());
        assertEquals("QUEUE_FULL", JsonBody.MAPPER.readTree(refused.body()).get("reason").asText());
        services.gate.complete(null);
        assertEquals(204, inFlight.get(10, TimeUnit.SECONDS).statusCode());
        assertEquals(204, queued.get(10, TimeUnit.SECONDS).statusCode());
    }

    @Test
    void aServiceThatCannotStartIsAnswered503() throws Exception {
        HttpResponse<String> response = get("/broken/");

        assertEquals(503, response.statusCode());
        assertTrue(response.headers().firstValue("retry-after").isPresent());
    }

    @Test
    void anInstanceThatDiesWithoutAnsweringIsAnswered502() throws Exception {
        HttpResponse<String> response = get("/fatal/");

        assertEquals(502, response.statusCode());
        assertEquals("INSTANCE_ERROR", JsonBody.MAPPER.readTree(response.body()).get("reason").asText());
    }

    // ---- bad input

    @Test
    void aMalformedRequestLineIsAnswered400AndTheNextConnectionIsServed() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            RawConnection.Response response = c.send("G@T /echo/ HTTP/1.1\r\nHost: h\r\n\r\n").read();

            assertEquals(400, response.status());
            assertTrue(JsonBody.MAPPER.readTree(response.body()).has("error"));
            assertTrue(c.closedByServer());
        }
        assertEquals(200, get("/echo/").statusCode());
    }

    @Test
    void aTooLongRequestLineIsAnswered400() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            String path = "/echo/" + "a".repeat(GatewaySettings.DEFAULT_MAX_INITIAL_LINE_LENGTH);
            RawConnection.Response response = c.send("GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n").read();

            assertEquals(400, response.status());
            assertTrue(c.closedByServer());
        }
        assertEquals(200, get("/echo/").statusCode());
    }

    @Test
    void hugeHeadersAreAnswered431() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            String big = "X-Big: " + "b".repeat(GatewaySettings.DEFAULT_MAX_HEADER_SIZE) + "\r\n";
            RawConnection.Response response = c.send("GET /echo/ HTTP/1.1\r\nHost: h\r\n" + big + "\r\n").read();

            assertEquals(431, response.status());
            assertTrue(c.closedByServer());
        }
        assertEquals(200, get("/echo/").statusCode());
    }

    @Test
    void garbageBytesAreAnswered400AndClosed() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            byte[] garbage = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, (byte) 0xfc, 0x03, 0x03, '\r', '\n', '\r', '\n'};
            RawConnection.Response response = c.send(garbage).read();

            assertEquals(400, response.status());
            assertTrue(c.closedByServer());
        }
        assertEquals(200, get("/echo/").statusCode());
    }

    @Test
    void aMalformedChunkIsAnswered400() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            RawConnection.Response response = c.send(
                    "POST /count/ HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").read();

            assertEquals(400, response.status());
            assertTrue(c.closedByServer());
        }
        assertEquals(200, get("/echo/").statusCode());
    }

    // ---- lifecycle

    @Test
    void aGatewayIsRunningOnlyBetweenStartAndClose() {
        Gateway gateway = new Gateway(GatewaySettings.defaults().withPort(0), services.supervisor);
        assertEquals(ListenerState.NEW, gateway.state());
        IllegalStateException early = assertThrows(IllegalStateException.class, gateway::port);
        assertTrue(early.getMessage().contains("NEW"), early.getMessage());

        gateway.start();
        assertEquals(ListenerState.RUNNING, gateway.state());
        IllegalStateException twice = assertThrows(IllegalStateException.class, gateway::start);
        assertTrue(twice.getMessage().contains("RUNNING"), twice.getMessage());

        gateway.close();
        gateway.close();
        assertEquals(ListenerState.CLOSED, gateway.state());
        IllegalStateException late = assertThrows(IllegalStateException.class, gateway::port);
        assertTrue(late.getMessage().contains("CLOSED"), late.getMessage());
    }

    @Test
    void aPortInUseFailsTheStartNamingTheAddress() {
        Gateway second = new Gateway(GatewaySettings.defaults().withPort(services.gateway.port()), services.supervisor);

        IllegalStateException failed = assertThrows(IllegalStateException.class, second::start);

        assertTrue(failed.getMessage().contains("127.0.0.1:" + services.gateway.port()), failed.getMessage());
        assertEquals(ListenerState.CLOSED, second.state());
    }

    @Test
    void closingLetsARequestInFlightFinish() throws Exception {
        int port = services.gateway.port();
        CompletableFuture<HttpResponse<String>> inFlight = getAsync("/gate/1");
        Services.awaitCondition("the request in flight", () -> services.status("gate").inFlight() == 1);

        CompletableFuture<Void> closed = CompletableFuture.runAsync(services.gateway::close);
        Services.awaitCondition("the gateway closing", () -> services.gateway.state() == ListenerState.CLOSED);
        services.gate.complete(null);

        assertEquals(204, inFlight.get(10, TimeUnit.SECONDS).statusCode());
        closed.get(10, TimeUnit.SECONDS);
        assertThrows(IOException.class, () -> new RawConnection(port), "no longer accepting");
    }

    @Test
    void aServiceActivatedByTheFirstRequestIsActiveAfterIt() throws Exception {
        assertEquals(ServiceState.IDLE, services.status("echo").state());

        assertEquals(200, get("/echo/").statusCode());

        assertEquals(1, services.status("echo").coldStarts());
        assertEquals(1, services.status("echo").requests());
    }

    @Test
    void settingsNameTheFieldTheyRefuse() {
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> GatewaySettings.defaults().withPort(70_000));
        assertTrue(port.getMessage().contains("'port'"), port.getMessage());
        IllegalArgumentException domain = assertThrows(IllegalArgumentException.class,
                () -> GatewaySettings.defaults().withDomain("Not A Domain"));
        assertTrue(domain.getMessage().contains("'domain'"), domain.getMessage());
        IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
                () -> GatewaySettings.defaults().withReadTimeoutMillis(0));
        assertTrue(timeout.getMessage().contains("'readTimeoutMillis'"), timeout.getMessage());
        assertFalse(GatewaySettings.defaults().host().isBlank());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return services.client.send(HttpRequest.newBuilder(services.uri(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return services.client.sendAsync(HttpRequest.newBuilder(services.uri(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
