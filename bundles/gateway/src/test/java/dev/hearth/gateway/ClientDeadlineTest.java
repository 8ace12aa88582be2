package dev.hearth.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Slow clients against a gateway that waits for them 200 ms. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientDeadlineTest {

    @TempDir
    Path state;

    private Services services;

    @BeforeEach
    void start() {
        services = new Services(state, GatewaySettings.defaults().withReadTimeoutMillis(200));
    }

    @AfterEach
    void stop() {
        services.close();
    }

    @Test
    void anIdleConnectionIsClosedWithoutAnAnswer() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            assertEquals(null, c.line(), "closed, and nothing was sent");
        }
    }

    @Test
    void headersThatNeverCompleteAreAnswered408AndClosed() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            RawConnection.Response response = c.send("GET /echo/ HTTP/1.1\r\nHost: h\r\nX-Slow: ").read();

            assertEquals(408, response.status());
            assertEquals("close", response.header("connection"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aStalledUploadIsAnswered408AndClosed() throws Exception {
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            RawConnection.Response response = c.send(
                    "POST /count/ HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n0123456789").read();

            assertEquals(408, response.status());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aClientWaitingForASlowServiceIsNotTimedOut() throws Exception {
        CompletableFuture<HttpResponse<String>> waiting = services.client.sendAsync(
                HttpRequest.newBuilder(services.uri("/gate/")).build(), HttpResponse.BodyHandlers.ofString());
        Services.awaitCondition("the request in flight", () -> services.status("gate").inFlight() == 1);

        // The gateway's own clock: an idle connection opened now is closed only after the timeout.
        try (RawConnection idle = new RawConnection(services.gateway.port())) {
            assertEquals(null, idle.line());
        }
        assertTrue(!waiting.isDone(), "the request was still waiting for its service after the timeout");
        services.gate.complete(null);

        assertEquals(204, waiting.get(10, TimeUnit.SECONDS).statusCode());
    }

    @Test
    void aClientThatStopsTakingAResponseIsCutOffAndTheBodyClosed() throws Exception {
        try (RawConnection reader = new RawConnection(services.gateway.port(), 4096)) {
            reader.send("GET /endless/ HTTP/1.1\r\nHost: h\r\n\r\n");

            assertTrue(services.endlessClosed.await(10, TimeUnit.SECONDS), "the gateway gave the body up and closed it");
            long taken = reader.drain(64L << 20);
            assertTrue(taken < (64L << 20), "the stream ended after " + taken + " bytes: the gateway closed the connection");
        }
    }

    @Test
    void theGatewayServesNewConnectionsAfterTimingOthersOut() throws Exception {
        try (RawConnection slow = new RawConnection(services.gateway.port())) {
            slow.send("GET /echo/ HTTP/1.1\r\n");
            assertEquals(408, slow.read().status());
        }
        try (RawConnection c = new RawConnection(services.gateway.port())) {
            assertEquals(200, c.send("GET /echo/ HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
        }
    }
}
