package dev.hearth.agent;

import dev.hearth.supervisor.ServiceStatus;
import dev.hearth.supervisor.Supervisor;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metrics published on {@code <account>/<client-id>/HEARTH/metrics}: per service
 * {@code svc.<name>.<figure>} (state, instances, in_flight, requests, rejected, cold_starts,
 * failures, active_ms, cpu_ms, last_activation_ms) and the system's {@code sys.heap_used_bytes},
 * {@code sys.heap_max_bytes}, {@code sys.load_1m}, {@code sys.disk_free_bytes}.
 */
final class Telemetry {

    private final Supervisor supervisor;
    private final File disk;
    private final Map<String, Long> lastActivationMillis = new ConcurrentHashMap<>();

    Telemetry(Supervisor supervisor, File disk) {
        this.supervisor = supervisor;
        this.disk = disk;
    }

    void activated(String service, long millis) {
        lastActivationMillis.put(service, millis);
    }

    Map<String, Object> metrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (ServiceStatus s : supervisor.statuses()) {
            String p = "svc." + s.name() + ".";
            m.put(p + "state", s.state().name());
            m.put(p + "instances", s.instances());
            m.put(p + "in_flight", s.inFlight());
            m.put(p + "requests", s.requests());
            m.put(p + "rejected", s.rejected());
            m.put(p + "cold_starts", s.coldStarts());
            m.put(p + "failures", s.failures());
            m.put(p + "active_ms", s.activeMillis());
            m.put(p + "cpu_ms", s.cpuMillis());
            Long act = lastActivationMillis.get(s.name());
            if (act != null) {
                m.put(p + "last_activation_ms", act);
            }
        }
        Runtime rt = Runtime.getRuntime();
        m.put("sys.heap_used_bytes", rt.totalMemory() - rt.freeMemory());
        m.put("sys.heap_max_bytes", rt.maxMemory());
        m.put("sys.load_1m", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        m.put("sys.disk_free_bytes", disk.getUsableSpace());
        return m;
    }
}
