package dev.hearth.hub;

import dev.hearth.agent.wire.MetricNames;
import dev.hearth.agent.wire.Payload;
import java.nio.charset.StandardCharsets;

/**
 * A device's answer to a command.
 *
 * @param code    Kura's response code (200, 400, 404, 500)
 * @param payload its metrics and body
 */
public record Reply(int code, Payload payload) {

    static Reply of(Payload p) {
        return new Reply(p.whole(MetricNames.RESPONSE_CODE).map(Long::intValue).orElse(500), p);
    }

    public boolean ok() {
        return code == 200;
    }

    public String body() {
        return new String(payload.body(), StandardCharsets.UTF_8);
    }

    /** The device's error message; empty on success. */
    public String message() {
        return payload.string(MetricNames.EXCEPTION_MESSAGE).orElse("");
    }
}
