package dev.hearth.supervisor.elastic;

import dev.hearth.isolation.InstanceUsage;

/**
 * Counters and meters of one service. Allocated on its first activity, so that a registered
 * service that never ran costs no more than its spec. Mutated only under the service's lock.
 */
final class ServiceStats {

    /** What a service that never ran shows; never mutated. */
    static final ServiceStats NONE = new ServiceStats();

    long coldStarts;
    long requests;
    long rejected;
    long failures;
    int consecutiveFailures;
    /** Wall time of instances that have ended, from ready to exit. */
    long endedActiveNanos;
    /** CPU time of instances that have ended. */
    long endedCpuMillis;
    long peakMemoryBytes = InstanceUsage.UNKNOWN;
    String lastError = "";

    void recordFailure(String error) {
        failures++;
        consecutiveFailures++;
        lastError = error;
    }

    void recordEnded(long activeNanos, InstanceUsage usage) {
        endedActiveNanos += activeNanos;
        if (usage.cpuMillis() > 0) {
            endedCpuMillis += usage.cpuMillis();
        }
        peakMemoryBytes = Math.max(peakMemoryBytes, usage.peakMemoryBytes());
    }
}
