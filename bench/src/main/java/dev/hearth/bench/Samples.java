package dev.hearth.bench;

import java.util.Arrays;

/** Measured durations, in nanoseconds, and their percentiles. */
final class Samples {

    private long[] values = new long[64];
    private int size;

    void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    int size() {
        return size;
    }

    /** The {@code p}-th percentile (0 < p <= 100) by the nearest-rank method. */
    long percentile(double p) {
        if (size == 0) {
            throw new IllegalStateException("no samples");
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.min(Math.max(rank, 1), size) - 1];
    }

    double p50Millis() {
        return percentile(50) / 1e6;
    }

    double p99Millis() {
        return percentile(99) / 1e6;
    }
}
