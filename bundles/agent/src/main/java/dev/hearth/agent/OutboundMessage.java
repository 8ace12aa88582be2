package dev.hearth.agent;

import java.util.Objects;

/**
 * A message the agent publishes at QoS 1 and keeps in its outbox while the broker is away.
 *
 * @param kind    telemetry (and notifications) may be dropped when the outbox is full; replies and device
 *                events never are
 * @param topic   where it goes
 * @param payload its encoded KuraPayload
 */
record OutboundMessage(Kind kind, String topic, byte[] payload) {

    enum Kind {
        /** Telemetry and progress notifications: dropped first when the outbox is full, not forced to the disk. */
        TELEMETRY,
        /** A reply to a request: never dropped, forced to the disk before it counts as stored. */
        REPLY,
        /** A device event (an update rolled back …): kept like a reply. */
        EVENT;

        /** Whether it is forced to the disk and never dropped. */
        boolean kept() {
            return this != TELEMETRY;
        }
    }

    OutboundMessage {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
    }
}
