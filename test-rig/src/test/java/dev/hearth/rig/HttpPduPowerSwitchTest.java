package dev.hearth.rig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The PDU driver against a PDU on loopback speaking the documented API (JDK HttpServer). */
class HttpPduPowerSwitchTest {

    private HttpServer pdu;
    private final Map<String, String> outlets = new ConcurrentHashMap<>(Map.of("1", "off", "2", "off"));
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        pdu = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        pdu.createContext("/api/outlets/", this::outlet);
        pdu.start();
    }

    private void outlet(HttpExchange x) throws IOException {
        String n = x.getRequestURI().getPath().substring("/api/outlets/".length());
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(x.getRequestMethod() + " " + n + (body.isEmpty() ? "" : " " + body));
        if (!outlets.containsKey(n)) {
            answer(x, 404, "no outlet " + n);
        } else if (x.getRequestMethod().equals("GET")) {
            answer(x, 200, outlets.get(n) + "\n");
        } else if (x.getRequestMethod().equals("PUT") && (body.equals("on") || body.equals("off"))) {
            outlets.put(n, body);
            x.sendResponseHeaders(204, -1);
            x.close();
        } else {
            answer(x, 400, "bad request");
        }
    }

    private static void answer(HttpExchange x, int code, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(code, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    @AfterEach
    void stop() {
        pdu.stop(0);
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + pdu.getAddress().getPort() + "/api");
    }

    @Test
    void anOutletIsSwitchedOnAndOffAndReadBackLeavingTheOthersAlone() {
        PowerSwitch power = new HttpPduPowerSwitch(new PowerResource.Pdu(base(), 2), Duration.ofMillis(10));
        assertEquals(PowerState.OFF, power.state());
        power.on();
        assertEquals(PowerState.ON, power.state());
        assertEquals("on", outlets.get("2"));
        assertEquals("off", outlets.get("1"));
        power.off();
        assertEquals(PowerState.OFF, power.state());
    }

    @Test
    void aCycleSwitchesOffThenOn() {
        PowerSwitch power = new HttpPduPowerSwitch(new PowerResource.Pdu(base(), 1), Duration.ofMillis(10));
        power.on();
        requests.clear();
        power.cycle();
        assertEquals(List.of("PUT 1 off", "PUT 1 on"), requests);
        assertEquals(PowerState.ON, power.state());
    }

    @Test
    void aRefusedRequestNamesThePduTheOutletAndTheAnswer() {
        PowerSwitch power = new HttpPduPowerSwitch(new PowerResource.Pdu(base(), 9), Duration.ofMillis(10));
        IllegalStateException e = assertThrows(IllegalStateException.class, power::on);
        assertTrue(e.getMessage().contains("outlet 9") && e.getMessage().contains("HTTP 404 no outlet 9"), e.getMessage());
    }

    @Test
    void anUnreachablePduIsReportedWithItsAddress() {
        URI gone = base();
        pdu.stop(0);
        PowerSwitch power = new HttpPduPowerSwitch(new PowerResource.Pdu(gone, 1), Duration.ofMillis(10));
        IllegalStateException e = assertThrows(IllegalStateException.class, power::state);
        assertTrue(e.getMessage().startsWith("PDU " + gone + " outlet 1: cannot read"), e.getMessage());
    }
}
