package dev.hearth.agent;

import java.util.Objects;

/**
 * A message the agent publishes at QoS 1 and keeps in its outbox while the broker is away.
 *
 * @param kind    telemetry may be dropped when the outbox is full; replies never are
 * @param topic   where it goes
 * @param payload its encoded KuraPayload
 */
record OutboundMessage(Kind kind, String topic, byte[] payload) {

    enum Kind { TELEMETRY, REPLY }

    OutboundMessage {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
    }
}
