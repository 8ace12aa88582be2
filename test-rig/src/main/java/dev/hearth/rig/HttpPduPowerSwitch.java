package dev.hearth.rig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * One outlet of a network PDU, over HTTP. The API (what a PDU, or a small bridge in front of
 * one, must speak; documented in test-rig/README.md):
 * <pre>
 *   GET {url}/outlets/{n}            200, body "on" or "off"
 *   PUT {url}/outlets/{n}  body on|off  200 or 204 once the outlet has switched
 * </pre>
 * Any other status is an error naming the PDU, the outlet, the status and the body.
 */
public final class HttpPduPowerSwitch implements PowerSwitch {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final PowerResource.Pdu pdu;
    private final Duration cyclePause;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

    /** @param cyclePause how long {@link #cycle()} leaves the outlet off (boards with capacitors need a second or two) */
    public HttpPduPowerSwitch(PowerResource.Pdu pdu, Duration cyclePause) {
        this.pdu = pdu;
        this.cyclePause = cyclePause;
    }

    /** The outlet's resource: {@code {url}/outlets/{n}}. */
    public URI outletUri() {
        String base = pdu.url().toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + "outlets/" + pdu.outlet());
    }

    @Override
    public void on() {
        put("on");
    }

    @Override
    public void off() {
        put("off");
    }

    @Override
    public void cycle() {
        off();
        LockSupport.parkNanos(cyclePause.toNanos()); // the board's supply must drain: a pause the hardware needs
        on();
    }

    @Override
    public PowerState state() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(outletUri()).timeout(REQUEST_TIMEOUT).GET().build(), "read");
        return switch (r.body().strip()) {
            case "on" -> PowerState.ON;
            case "off" -> PowerState.OFF;
            default -> throw new IllegalStateException(where() + "answered '" + r.body().strip() + "', neither on nor off");
        };
    }

    private void put(String value) {
        send(HttpRequest.newBuilder(outletUri()).timeout(REQUEST_TIMEOUT).PUT(HttpRequest.BodyPublishers.ofString(value))
                .header("Content-Type", "text/plain").build(), "switch " + value);
    }

    private HttpResponse<String> send(HttpRequest request, String what) {
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(where() + "cannot " + what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(where() + "interrupted while trying to " + what, e);
        }
        if (r.statusCode() != 200 && r.statusCode() != 204) {
            throw new IllegalStateException(where() + "cannot " + what + ": HTTP " + r.statusCode() + " " + r.body().strip());
        }
        return r;
    }

    private String where() {
        return "PDU " + pdu.url() + " outlet " + pdu.outlet() + ": ";
    }
}
