package dev.hearth.supervisor;

import java.util.Objects;

/**
 * A snapshot of one service, for operators and telemetry.
 *
 * @param spec            the spec it runs with
 * @param state           where it stands
 * @param instances       instances running or starting
 * @param inFlight        requests being handled now
 * @param queued          requests waiting for an instance
 * @param coldStarts      activations that a request had to wait for
 * @param requests        requests answered by an instance (any status)
 * @param rejected        requests refused (queue full, activation timed out, failed, unavailable)
 * @param failures        instances that failed to start or died
 * @param activeMillis    wall time summed over instances, from ready to stopped, in ms
 * @param cpuMillis       CPU time summed over instances, in ms (0 where the driver cannot tell)
 * @param peakMemoryBytes highest memory use of any instance; -1 where the driver cannot tell
 * @param lastError       the last failure, for people; empty when there was none
 */
public record ServiceStatus(ServiceSpec spec, ServiceState state, int instances, int inFlight, int queued,
                            long coldStarts, long requests, long rejected, long failures, long activeMillis,
                            long cpuMillis, long peakMemoryBytes, String lastError) {

    public ServiceStatus {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lastError, "lastError");
    }

    public String name() {
        return spec.name();
    }
}
