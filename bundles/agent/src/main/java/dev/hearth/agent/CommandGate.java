package dev.hearth.agent;

import dev.hearth.agent.wire.CommandSignature;
import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.MetricNames;
import dev.hearth.agent.wire.Payload;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Who may command the device. A requester not on the allow-list is ignored. A request that carries
 * a signature must verify against a hub key, must not be expired or expire further ahead than the
 * allowed lifetime, and its request id must not have been seen before (ids are remembered until
 * they expire). With signing required, only GET may come unsigned. Used from one thread.
 */
final class CommandGate {

    /** The gate's verdict. */
    sealed interface Verdict {
        /** Obey; {@code signed} says whether a valid signature came with it. */
        record Obey(boolean signed) implements Verdict { }
        /** Not on the allow-list: no action, no reply. */
        record Ignore(String reason) implements Verdict { }
        /** An allow-listed requester whose request fails the signature rules: a 400 reply, no action. */
        record Refuse(String reason) implements Verdict { }
    }

    private static final int MAX_REMEMBERED = 100_000;

    private final Set<String> allowed;
    private final List<PublicKey> keys;
    private final boolean signingRequired;
    private final long maxLifetimeMillis;
    private final LongSupplier clock;
    private final Map<String, Long> seen = new HashMap<>();
    private long lastSweep;

    CommandGate(AgentSettings settings, LongSupplier clock) {
        this.allowed = settings.allowedRequesters();
        this.keys = settings.hubKeys();
        this.signingRequired = settings.signingRequired();
        this.maxLifetimeMillis = settings.maxSignatureLifetimeMillis();
        this.clock = clock;
    }

    Verdict check(String topic, Method method, String requester, String requestId, Payload payload) {
        if (!allowed.contains(requester)) {
            return new Verdict.Ignore("requester '" + requester + "' is not on the allow-list");
        }
        Optional<byte[]> signature = payload.bytes(MetricNames.SIGNATURE);
        if (signature.isEmpty()) {
            return signingRequired && method != Method.GET
                    ? new Verdict.Refuse("a signed request is required for " + method)
                    : new Verdict.Obey(false);
        }
        Optional<Long> expires = payload.whole(MetricNames.EXPIRES);
        if (expires.isEmpty()) {
            return new Verdict.Refuse("a signed request needs metric " + MetricNames.EXPIRES);
        }
        long now = clock.getAsLong();
        if (expires.get() <= now) {
            return new Verdict.Refuse("the signed request has expired");
        }
        if (expires.get() > now + maxLifetimeMillis) {
            return new Verdict.Refuse("the signed request expires too far ahead (more than " + maxLifetimeMillis + " ms)");
        }
        boolean valid = false;
        for (PublicKey key : keys) {
            if (CommandSignature.verify(key, signature.get(), topic, payload.body(), requestId, expires.get())) {
                valid = true;
                break;
            }
        }
        if (!valid) {
            return new Verdict.Refuse("the signature does not verify with any hub key");
        }
        forgetExpired(now);
        if (seen.containsKey(requester + "/" + requestId)) {
            return new Verdict.Refuse("request id '" + requestId + "' was already used (replay)");
        }
        if (seen.size() >= MAX_REMEMBERED) {
            return new Verdict.Refuse("too many signed requests in flight to remember; try again later");
        }
        seen.put(requester + "/" + requestId, expires.get());
        return new Verdict.Obey(true);
    }

    private void forgetExpired(long now) {
        if (now - lastSweep < 1_000 && seen.size() < MAX_REMEMBERED) {
            return;
        }
        lastSweep = now;
        for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
            if (it.next() <= now) {
                it.remove();
            }
        }
    }
}
