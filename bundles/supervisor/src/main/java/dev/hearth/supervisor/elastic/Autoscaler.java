package dev.hearth.supervisor.elastic;

import dev.hearth.supervisor.ServiceSpec;

/**
 * The scaling rules, as pure functions of a spec and a load. The supervisor sees every request
 * start and end, so demand is exact: requests in flight plus requests waiting.
 */
final class Autoscaler {

    private Autoscaler() {
    }

    /**
     * Instances wanted for a demand: enough that none takes more than its target concurrency,
     * never fewer than the minimum nor more than the maximum.
     */
    static int desiredInstances(ServiceSpec spec, int demand) {
        int target = spec.targetConcurrency();
        int wanted = demand <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, ((long) demand + target - 1) / target);
        return Math.min(Math.max(wanted, spec.minInstances()), spec.maxInstances());
    }

    /** Whether an instance with nothing in flight since {@code idleSinceNanos} may be stopped at {@code nowNanos}. */
    static boolean idleExpired(ServiceSpec spec, long idleSinceNanos, long nowNanos) {
        return nowNanos - idleSinceNanos >= spec.idleTimeoutMillis() * 1_000_000L;
    }
}
