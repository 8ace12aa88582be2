package dev.hearth.agent.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.hearth.agent.wire.KuraPayloadProto.KuraPayload;
import dev.hearth.agent.wire.KuraPayloadProto.KuraPayload.KuraMetric;
import dev.hearth.agent.wire.KuraPayloadProto.KuraPayload.KuraMetric.ValueType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * One KuraPayload: a timestamp, named typed metrics and an opaque body. Metric values are
 * {@link Double}, {@link Float}, {@link Long}, {@link Integer}, {@link Boolean}, {@link String} or
 * {@code byte[]}, the seven KuraMetric value types. Immutable; the position is not used by Hearth
 * and is dropped on decoding.
 *
 * @param timestamp milliseconds since the epoch; 0 when the sender gave none
 * @param metrics   in the order they were added or received
 * @param body      empty when there is none
 */
public record Payload(long timestamp, Map<String, Object> metrics, byte[] body) {

    private static final byte[] NO_BODY = new byte[0];

    public Payload {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(body, "body");
        Map<String, Object> copy = new LinkedHashMap<>();
        metrics.forEach((name, value) -> copy.put(Objects.requireNonNull(name, "metric name"), checked(name, value)));
        metrics = Collections.unmodifiableMap(copy);
    }

    public static Payload of(Map<String, Object> metrics) {
        return new Payload(System.currentTimeMillis(), metrics, NO_BODY);
    }

    public static Payload of(Map<String, Object> metrics, byte[] body) {
        return new Payload(System.currentTimeMillis(), metrics, body);
    }

    /** The metric as text: strings as they are, numbers and booleans printed. */
    public Optional<String> string(String name) {
        Object v = metrics.get(name);
        if (v == null || v instanceof byte[]) {
            return Optional.empty();
        }
        return Optional.of(v.toString());
    }

    /** The metric as a whole number: integral types, or a string holding one. */
    public Optional<Long> whole(String name) {
        Object v = metrics.get(name);
        if (v instanceof Long || v instanceof Integer) {
            return Optional.of(((Number) v).longValue());
        }
        if (v instanceof String s) {
            try {
                return Optional.of(Long.parseLong(s.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    public Optional<byte[]> bytes(String name) {
        return metrics.get(name) instanceof byte[] b ? Optional.of(b) : Optional.empty();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The protobuf encoding, not compressed. */
    public byte[] encode() {
        KuraPayload.Builder b = KuraPayload.newBuilder().setTimestamp(timestamp);
        metrics.forEach((name, value) -> b.addMetric(metric(name, value)));
        if (body.length > 0) {
            b.setBody(ByteString.copyFrom(body));
        }
        return b.build().toByteArray();
    }

    /**
     * Decodes a KuraPayload, inflating it first when it starts with the gzip magic.
     *
     * @param maxBytes the most bytes accepted, before and after inflating
     */
    public static Payload decode(byte[] bytes, int maxBytes) throws MalformedPayloadException {
        if (bytes.length > maxBytes) {
            throw new MalformedPayloadException("payload of " + bytes.length + " bytes exceeds the limit of " + maxBytes);
        }
        byte[] plain = isGzip(bytes) ? inflate(bytes, maxBytes) : bytes;
        KuraPayload p;
        try {
            p = KuraPayload.parseFrom(plain);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedPayloadException("not a KuraPayload: " + e.getMessage(), e);
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        for (KuraMetric m : p.getMetricList()) {
            metrics.put(m.getName(), value(m));
        }
        return new Payload(p.getTimestamp(), metrics, p.getBody().toByteArray());
    }

    public static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
    }

    private static byte[] inflate(byte[] gz, int maxBytes) throws MalformedPayloadException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > maxBytes) {
                    throw new MalformedPayloadException("inflated payload exceeds the limit of " + maxBytes + " bytes");
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new MalformedPayloadException("broken gzip payload: " + e.getMessage(), e);
        }
    }

    private static Object value(KuraMetric m) throws MalformedPayloadException {
        return switch (m.getType()) {
            case DOUBLE -> require(m.hasDoubleValue(), m, m.getDoubleValue());
            case FLOAT -> require(m.hasFloatValue(), m, m.getFloatValue());
            case INT64 -> require(m.hasLongValue(), m, m.getLongValue());
            case INT32 -> require(m.hasIntValue(), m, m.getIntValue());
            case BOOL -> require(m.hasBoolValue(), m, m.getBoolValue());
            case STRING -> require(m.hasStringValue(), m, m.getStringValue());
            case BYTES -> require(m.hasBytesValue(), m, m.getBytesValue().toByteArray());
        };
    }

    private static Object require(boolean present, KuraMetric m, Object value) throws MalformedPayloadException {
        if (!present) {
            throw new MalformedPayloadException("metric '" + m.getName() + "' of type " + m.getType() + " has no value");
        }
        return value;
    }

    private static KuraMetric metric(String name, Object v) {
        KuraMetric.Builder m = KuraMetric.newBuilder().setName(name);
        if (v instanceof Double d) {
            m.setType(ValueType.DOUBLE).setDoubleValue(d);
        } else if (v instanceof Float f) {
            m.setType(ValueType.FLOAT).setFloatValue(f);
        } else if (v instanceof Long l) {
            m.setType(ValueType.INT64).setLongValue(l);
        } else if (v instanceof Integer i) {
            m.setType(ValueType.INT32).setIntValue(i);
        } else if (v instanceof Boolean b) {
            m.setType(ValueType.BOOL).setBoolValue(b);
        } else if (v instanceof String s) {
            m.setType(ValueType.STRING).setStringValue(s);
        } else {
            m.setType(ValueType.BYTES).setBytesValue(ByteString.copyFrom((byte[]) v));
        }
        return m.build();
    }

    private static Object checked(String name, Object v) {
        if (v instanceof Double || v instanceof Float || v instanceof Long || v instanceof Integer
                || v instanceof Boolean || v instanceof String || v instanceof byte[]) {
            return v;
        }
        throw new IllegalArgumentException("metric '" + name + "' has no KuraMetric type: " + v);
    }
}
