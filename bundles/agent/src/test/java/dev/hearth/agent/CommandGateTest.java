package dev.hearth.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.agent.wire.CommandSignature;
import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.MetricNames;
import dev.hearth.agent.wire.Namespace;
import dev.hearth.agent.wire.Payload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Who may command the device: the allow-list, signatures, expiry and replay. */
class CommandGateTest {

    private static final Namespace NS = Namespace.of("hearth");
    private static final String TOPIC = NS.request("board-1", "SVC-V1", Method.EXEC, "services/notes/stop");
    private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);
    private static final long NOW = 1_700_000_000_000L;

    private final KeyPair hub = CommandSignature.generateKeyPair();
    private final KeyPair stranger = CommandSignature.generateKeyPair();
    private final AtomicLong clock = new AtomicLong(NOW);

    private CommandGate gate(boolean signingRequired) {
        AgentSettings s = AgentSettings.defaults("tcp://127.0.0.1:1883", "board-1", Path.of("unused"))
                .withAllowedRequesters(Set.of("hub-1")).withSigning(List.of(hub.getPublic()), signingRequired);
        return new CommandGate(s, clock::get);
    }

    @Test
    void aRequesterNotOnTheAllowListIsIgnoredEvenWithAValidSignature() {
        CommandGate.Verdict v = gate(false).check(TOPIC, Method.EXEC, "hub-2", "id-1", signed(hub, "id-1", NOW + 60_000));
        assertInstanceOf(CommandGate.Verdict.Ignore.class, v);
        assertTrue(((CommandGate.Verdict.Ignore) v).reason().contains("'hub-2' is not on the allow-list"));
    }

    @Test
    void anUnsignedRequestIsObeyedWhenSigningIsNotRequired() {
        assertEquals(new CommandGate.Verdict.Obey(false), gate(false).check(TOPIC, Method.EXEC, "hub-1", "id-1", unsigned()));
    }

    @Test
    void withSigningRequiredAnUnsignedExecIsRefusedAndAnUnsignedGetObeyed() {
        CommandGate g = gate(true);
        assertRefused(g.check(TOPIC, Method.EXEC, "hub-1", "id-1", unsigned()), "a signed request is required for EXEC");
        assertRefused(g.check(TOPIC, Method.PUT, "hub-1", "id-2", unsigned()), "a signed request is required for PUT");
        assertEquals(new CommandGate.Verdict.Obey(false), g.check(TOPIC, Method.GET, "hub-1", "id-3", unsigned()));
    }

    @Test
    void aValidSignatureIsObeyedOnceAndItsReplayRefused() {
        CommandGate g = gate(true);
        Payload p = signed(hub, "id-1", NOW + 60_000);
        assertEquals(new CommandGate.Verdict.Obey(true), g.check(TOPIC, Method.EXEC, "hub-1", "id-1", p));
        clock.addAndGet(1_000);
        assertRefused(g.check(TOPIC, Method.EXEC, "hub-1", "id-1", p), "was already used (replay)");
    }

    @Test
    void anExpiredOrTooDistantExpiryIsRefused() {
        CommandGate g = gate(true);
        assertRefused(g.check(TOPIC, Method.EXEC, "hub-1", "id-1", signed(hub, "id-1", NOW)), "has expired");
        assertRefused(g.check(TOPIC, Method.EXEC, "hub-1", "id-2", signed(hub, "id-2", NOW - 1)), "has expired");
        long tooFar = NOW + AgentSettings.DEFAULT_MAX_SIGNATURE_LIFETIME_MILLIS + 1;
        assertRefused(g.check(TOPIC, Method.EXEC, "hub-1", "id-3", signed(hub, "id-3", tooFar)), "too far ahead");
    }

    @Test
    void aSignatureByAnotherKeyOrOverAnotherCommandIsRefused() {
        CommandGate g = gate(true);
        long exp = NOW + 60_000;
        assertRefused(g.check(TOPIC, Method.EXEC, "hub-1", "id-1", signed(stranger, "id-1", exp)), "does not verify");
        // Signed for another topic (another service), replayed on this one.
        Payload other = payload("id-2", exp, CommandSignature.sign(hub.getPrivate(),
                NS.request("board-1", "SVC-V1", Method.EXEC, "services/photos/stop"), BODY, "id-2", exp));
        assertRefused(g.check(TOPIC, Method.EXEC, "hub-1", "id-2", other), "does not verify");
        // Signed with another expiry than the one it carries.
        Payload stretched = payload("id-3", exp + 1_000, CommandSignature.sign(hub.getPrivate(), TOPIC, BODY, "id-3", exp));
        assertRefused(g.check(TOPIC, Method.EXEC, "hub-1", "id-3", stretched), "does not verify");
        // Signed for another request id.
        assertRefused(g.check(TOPIC, Method.EXEC, "hub-1", "id-4", signed(hub, "id-5", exp)), "does not verify");
    }

    @Test
    void aSignatureWithoutAnExpiryIsRefused() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(MetricNames.SIGNATURE, CommandSignature.sign(hub.getPrivate(), TOPIC, BODY, "id-1", NOW + 60_000));
        assertRefused(gate(true).check(TOPIC, Method.EXEC, "hub-1", "id-1", Payload.of(m, BODY)),
                "needs metric " + MetricNames.EXPIRES);
    }

    @Test
    void requestIdsAreRememberedUntilTheirExpirySoADifferentIdIsStillObeyedLater() {
        CommandGate g = gate(true);
        assertEquals(new CommandGate.Verdict.Obey(true), g.check(TOPIC, Method.EXEC, "hub-1", "id-1", signed(hub, "id-1", NOW + 2_000)));
        clock.addAndGet(5_000);
        assertEquals(new CommandGate.Verdict.Obey(true), g.check(TOPIC, Method.EXEC, "hub-1", "id-2", signed(hub, "id-2", NOW + 60_000)));
        // id-1 has expired: it is refused as expired, whether or not it is still remembered.
        assertRefused(g.check(TOPIC, Method.EXEC, "hub-1", "id-1", signed(hub, "id-1", NOW + 2_000)), "has expired");
    }

    private static void assertRefused(CommandGate.Verdict v, String reason) {
        assertInstanceOf(CommandGate.Verdict.Refuse.class, v);
        String actual = ((CommandGate.Verdict.Refuse) v).reason();
        assertTrue(actual.contains(reason), actual);
    }

    private Payload unsigned() {
        return Payload.of(Map.of(), BODY);
    }

    private Payload signed(KeyPair key, String requestId, long expires) {
        return payload(requestId, expires, CommandSignature.sign(key.getPrivate(), TOPIC, BODY, requestId, expires));
    }

    private static Payload payload(String requestId, long expires, byte[] signature) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(MetricNames.REQUEST_ID, requestId);
        m.put(MetricNames.EXPIRES, expires);
        m.put(MetricNames.SIGNATURE, signature);
        return Payload.of(m, BODY);
    }
}
