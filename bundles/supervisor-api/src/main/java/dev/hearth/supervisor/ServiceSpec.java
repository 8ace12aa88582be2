package dev.hearth.supervisor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the supervisor knows about a service. Immutable and validated on construction: an invalid
 * spec cannot exist, and the error names the field.
 *
 * <p>Durations are whole milliseconds and limits plain numbers so that a registered idle service
 * costs as few bytes as possible (a million of them fit in a small heap).
 *
 * @param name                    {@code [a-z][a-z0-9-]*}, at most 63 characters: the first path
 *                                segment and host label that route to it
 * @param driver                  the isolation driver type ({@code injvm}, {@code crun}, …)
 * @param image                   what the driver starts: a handler name for {@code injvm}, an OCI
 *                                image for {@code crun}
 * @param targetConcurrency       requests in flight one instance should take before another starts
 * @param minInstances            instances kept even when idle
 * @param maxInstances            the most instances ever running at once
 * @param idleTimeoutMillis       an instance with nothing in flight for this long is stopped
 * @param activationTimeoutMillis how long a starting instance may take to become ready
 * @param queueBound              requests that may wait for an instance; more are refused
 * @param memoryLimitBytes        memory an instance may use (enforced by drivers that can)
 * @param cpuLimitMillicores      CPU share of an instance, 1000 = one core (enforced by drivers that can)
 */
public record ServiceSpec(String name, String driver, String image, int targetConcurrency, int minInstances,
                          int maxInstances, int idleTimeoutMillis, int activationTimeoutMillis, int queueBound,
                          long memoryLimitBytes, int cpuLimitMillicores) {

    public static final int DEFAULT_TARGET_CONCURRENCY = 8;
    public static final int DEFAULT_MIN_INSTANCES = 0;
    public static final int DEFAULT_MAX_INSTANCES = 16;
    public static final int DEFAULT_IDLE_TIMEOUT_MILLIS = 5_000;
    public static final int DEFAULT_ACTIVATION_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_QUEUE_BOUND = 256;
    public static final long DEFAULT_MEMORY_LIMIT_BYTES = 64L << 20;
    public static final int DEFAULT_CPU_LIMIT_MILLICORES = 1_000;

    /** The keys {@link #fromProperties} accepts: exactly the record's components. */
    public static final Set<String> KEYS = Set.of("name", "driver", "image", "targetConcurrency", "minInstances",
            "maxInstances", "idleTimeoutMillis", "activationTimeoutMillis", "queueBound", "memoryLimitBytes",
            "cpuLimitMillicores");

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern DRIVER = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    public ServiceSpec {
        require(name != null && NAME.matcher(name).matches(), "name",
                "must match [a-z][a-z0-9-]* and be at most 63 characters, was " + quote(name));
        require(driver != null && DRIVER.matcher(driver).matches(), "driver",
                "must match [a-z][a-z0-9-]*, was " + quote(driver));
        require(image != null && !image.isBlank(), "image", "must not be empty");
        require(targetConcurrency >= 1, "targetConcurrency", "must be at least 1, was " + targetConcurrency);
        require(minInstances >= 0, "minInstances", "must not be negative, was " + minInstances);
        require(maxInstances >= 1, "maxInstances", "must be at least 1, was " + maxInstances);
        require(minInstances <= maxInstances, "minInstances",
                "must not exceed maxInstances (" + maxInstances + "), was " + minInstances);
        require(idleTimeoutMillis >= 0, "idleTimeoutMillis", "must not be negative, was " + idleTimeoutMillis);
        require(activationTimeoutMillis >= 1, "activationTimeoutMillis",
                "must be at least 1, was " + activationTimeoutMillis);
        require(queueBound >= 0, "queueBound", "must not be negative, was " + queueBound);
        require(memoryLimitBytes >= 1 << 20, "memoryLimitBytes", "must be at least 1 MiB, was " + memoryLimitBytes);
        require(cpuLimitMillicores >= 1, "cpuLimitMillicores", "must be at least 1, was " + cpuLimitMillicores);
    }

    /** A spec with every default but the three fields that have none. */
    public static ServiceSpec of(String name, String driver, String image) {
        return builder(name, driver, image).build();
    }

    public static Builder builder(String name, String driver, String image) {
        return new Builder(name, driver, image);
    }

    /** A builder starting from this spec. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Builds a spec from flat properties (a Config Admin dictionary, a parsed JSON object). Values
     * may be numbers or strings; missing keys take defaults; unknown keys are refused.
     *
     * @throws InvalidServiceSpecException naming the first bad field
     */
    public static ServiceSpec fromProperties(Map<String, ?> properties) {
        for (String key : properties.keySet()) {
            require(KEYS.contains(key), key, "is not a service spec field (known: " + String.join(", ",
                    KEYS.stream().sorted().toList()) + ")");
        }
        Builder b = new Builder(string(properties, "name"), string(properties, "driver"), string(properties, "image"));
        b.targetConcurrency = integer(properties, "targetConcurrency", b.targetConcurrency);
        b.minInstances = integer(properties, "minInstances", b.minInstances);
        b.maxInstances = integer(properties, "maxInstances", b.maxInstances);
        b.idleTimeoutMillis = integer(properties, "idleTimeoutMillis", b.idleTimeoutMillis);
        b.activationTimeoutMillis = integer(properties, "activationTimeoutMillis", b.activationTimeoutMillis);
        b.queueBound = integer(properties, "queueBound", b.queueBound);
        b.memoryLimitBytes = longValue(properties, "memoryLimitBytes", b.memoryLimitBytes);
        b.cpuLimitMillicores = integer(properties, "cpuLimitMillicores", b.cpuLimitMillicores);
        return b.build();
    }

    /** The spec as flat properties, the inverse of {@link #fromProperties}. */
    public Map<String, Object> toProperties() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("driver", driver);
        m.put("image", image);
        m.put("targetConcurrency", targetConcurrency);
        m.put("minInstances", minInstances);
        m.put("maxInstances", maxInstances);
        m.put("idleTimeoutMillis", idleTimeoutMillis);
        m.put("activationTimeoutMillis", activationTimeoutMillis);
        m.put("queueBound", queueBound);
        m.put("memoryLimitBytes", memoryLimitBytes);
        m.put("cpuLimitMillicores", cpuLimitMillicores);
        return m;
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new InvalidServiceSpecException(field, problem);
        }
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }

    private static String string(Map<String, ?> p, String key) {
        Object v = p.get(key);
        require(v == null || v instanceof String, key, "must be a string, was " + v);
        return (String) v;
    }

    private static int integer(Map<String, ?> p, String key, int fallback) {
        long v = longValue(p, key, fallback);
        require(v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE, key, "is out of range: " + v);
        return (int) v;
    }

    private static long longValue(Map<String, ?> p, String key, long fallback) {
        Object v = p.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new InvalidServiceSpecException(key, "must be a whole number, was '" + s + "'");
            }
        }
        throw new InvalidServiceSpecException(key, "must be a whole number, was " + v);
    }

    /** Builds specs; every default lives in the constants above. */
    public static final class Builder {
        private final String name;
        private final String driver;
        private final String image;
        private int targetConcurrency = DEFAULT_TARGET_CONCURRENCY;
        private int minInstances = DEFAULT_MIN_INSTANCES;
        private int maxInstances = DEFAULT_MAX_INSTANCES;
        private int idleTimeoutMillis = DEFAULT_IDLE_TIMEOUT_MILLIS;
        private int activationTimeoutMillis = DEFAULT_ACTIVATION_TIMEOUT_MILLIS;
        private int queueBound = DEFAULT_QUEUE_BOUND;
        private long memoryLimitBytes = DEFAULT_MEMORY_LIMIT_BYTES;
        private int cpuLimitMillicores = DEFAULT_CPU_LIMIT_MILLICORES;

        private Builder(String name, String driver, String image) {
            this.name = name;
            this.driver = driver;
            this.image = image;
        }

        private Builder(ServiceSpec s) {
            this(s.name, s.driver, s.image);
            targetConcurrency = s.targetConcurrency;
            minInstances = s.minInstances;
            maxInstances = s.maxInstances;
            idleTimeoutMillis = s.idleTimeoutMillis;
            activationTimeoutMillis = s.activationTimeoutMillis;
            queueBound = s.queueBound;
            memoryLimitBytes = s.memoryLimitBytes;
            cpuLimitMillicores = s.cpuLimitMillicores;
        }

        public Builder targetConcurrency(int v) { targetConcurrency = v; return this; }
        public Builder minInstances(int v) { minInstances = v; return this; }
        public Builder maxInstances(int v) { maxInstances = v; return this; }
        public Builder idleTimeoutMillis(int v) { idleTimeoutMillis = v; return this; }
        public Builder activationTimeoutMillis(int v) { activationTimeoutMillis = v; return this; }
        public Builder queueBound(int v) { queueBound = v; return this; }
        public Builder memoryLimitBytes(long v) { memoryLimitBytes = v; return this; }
        public Builder cpuLimitMillicores(int v) { cpuLimitMillicores = v; return this; }

        public ServiceSpec build() {
            return new ServiceSpec(name, driver, image, targetConcurrency, minInstances, maxInstances,
                    idleTimeoutMillis, activationTimeoutMillis, queueBound, memoryLimitBytes, cpuLimitMillicores);
        }
    }

}
