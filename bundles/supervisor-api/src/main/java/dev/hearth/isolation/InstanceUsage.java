package dev.hearth.isolation;

/**
 * What an instance has used so far.
 *
 * @param cpuMillis       CPU time in milliseconds, or {@link #UNKNOWN} when the driver cannot tell
 * @param peakMemoryBytes the highest memory use seen, or {@link #UNKNOWN}
 */
public record InstanceUsage(long cpuMillis, long peakMemoryBytes) {

    /** Marks a figure the driver cannot measure. */
    public static final long UNKNOWN = -1;

    public static final InstanceUsage NONE = new InstanceUsage(0, UNKNOWN);

    public InstanceUsage {
        if (cpuMillis < UNKNOWN || peakMemoryBytes < UNKNOWN) {
            throw new IllegalArgumentException("usage figures are -1 (unknown) or non-negative");
        }
    }
}
