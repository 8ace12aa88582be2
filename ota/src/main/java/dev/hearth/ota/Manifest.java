package dev.hearth.ota;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What an update bundle holds and for whom: the compatible board, the version, the anti-rollback
 * counter and the payloads in the order they follow in the bundle. Its exact JSON bytes are what
 * the signature covers.
 */
public record Manifest(int format, String compatible, String version, long counter, List<Payload> payloads) {

    /** The manifest format this code writes and reads. */
    public static final int FORMAT = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public Manifest {
        Objects.requireNonNull(compatible, "manifest compatible");
        Objects.requireNonNull(version, "manifest version");
        Objects.requireNonNull(payloads, "manifest payloads");
        if (format != FORMAT) {
            throw new IllegalArgumentException("manifest format " + format + " is not " + FORMAT);
        }
        if (compatible.isBlank() || version.isBlank()) {
            throw new IllegalArgumentException("manifest compatible and version must not be blank");
        }
        if (counter < 0) {
            throw new IllegalArgumentException("manifest counter must not be negative: " + counter);
        }
        if (payloads.isEmpty()) {
            throw new IllegalArgumentException("manifest lists no payload");
        }
        payloads = List.copyOf(payloads);
        Set<String> names = new HashSet<>();
        Set<String> classes = new HashSet<>();
        for (Payload p : payloads) {
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("manifest lists payload '" + p.name() + "' twice");
            }
            if (!classes.add(p.slotClass())) {
                throw new IllegalArgumentException("manifest lists two payloads for slot class '" + p.slotClass() + "'");
            }
        }
    }

    public static Manifest of(String compatible, String version, long counter, List<Payload> payloads) {
        return new Manifest(FORMAT, compatible, version, counter, payloads);
    }

    /** The JSON bytes that get signed and stored in the bundle. */
    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("manifest: cannot write JSON", e);
        }
    }

    /** Parses manifest bytes; a malformed or invalid manifest fails with {@link IllegalArgumentException}. */
    public static Manifest parse(byte[] json) {
        try {
            Manifest m = JSON.readValue(json, Manifest.class);
            if (m == null) {
                throw new IllegalArgumentException("manifest is empty");
            }
            return m;
        } catch (IOException e) {
            String text = e.getCause() instanceof IllegalArgumentException iae ? iae.getMessage()
                    : e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw new IllegalArgumentException("manifest is malformed: " + text, e);
        }
    }

    /** Total payload bytes. */
    public long payloadBytes() {
        return payloads.stream().mapToLong(Payload::size).sum();
    }

    @Override
    public String toString() {
        return "manifest " + compatible + " " + version + " (counter " + counter + ", " + payloads.size() + " payloads)";
    }
}
