package dev.hearth.isolation.crun;

import dev.hearth.isolation.InstanceUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads one container's CPU time, peak memory and OOM kills from its cgroup: {@code cpuacct.usage},
 * {@code memory.max_usage_in_bytes} and {@code memory.oom_control} on v1; {@code cpu.stat},
 * {@code memory.peak} and {@code memory.events} on v2. A figure the host does not offer is
 * {@link InstanceUsage#UNKNOWN}.
 */
final class CgroupMeter {

    private final CgroupHost host;
    private final Optional<Path> cpu;
    private final Optional<Path> memory;

    CgroupMeter(CgroupHost host, String cgroupPath) {
        this.host = host;
        boolean unified = host.mode() == CgroupHost.Mode.UNIFIED;
        this.cpu = host.directory(unified ? "" : "cpuacct", cgroupPath);
        this.memory = host.directory(unified ? "" : "memory", cgroupPath);
    }

    /** Usage now; UNKNOWN figures when the cgroup is gone or the file is missing. */
    InstanceUsage read() {
        long cpuMillis = InstanceUsage.UNKNOWN;
        long peak = InstanceUsage.UNKNOWN;
        if (host.mode() == CgroupHost.Mode.UNIFIED) {
            long micros = field(cpu, "cpu.stat", "usage_usec");
            cpuMillis = micros < 0 ? micros : (micros + 500) / 1000;
            peak = number(memory, "memory.peak");
        } else {
            long nanos = number(cpu, "cpuacct.usage");
            cpuMillis = nanos < 0 ? nanos : (nanos + 500_000) / 1_000_000;
            peak = number(memory, "memory.max_usage_in_bytes");
        }
        return new InstanceUsage(Math.max(cpuMillis, InstanceUsage.UNKNOWN), Math.max(peak, InstanceUsage.UNKNOWN));
    }

    /** How many times the kernel's OOM killer struck in this cgroup; 0 when it cannot tell. */
    long oomKills() {
        long kills = host.mode() == CgroupHost.Mode.UNIFIED ? field(memory, "memory.events", "oom_kill")
                : field(memory, "memory.oom_control", "oom_kill");
        return Math.max(kills, 0);
    }

    private static long number(Optional<Path> directory, String file) {
        if (directory.isEmpty()) {
            return InstanceUsage.UNKNOWN;
        }
        try {
            return Long.parseLong(Files.readString(directory.get().resolve(file)).strip());
        } catch (IOException | NumberFormatException e) {
            return InstanceUsage.UNKNOWN;
        }
    }

    private static long field(Optional<Path> directory, String file, String key) {
        if (directory.isEmpty()) {
            return InstanceUsage.UNKNOWN;
        }
        try {
            for (String line : Files.readAllLines(directory.get().resolve(file))) {
                if (line.startsWith(key + " ")) {
                    return Long.parseLong(line.substring(key.length() + 1).strip());
                }
            }
            return InstanceUsage.UNKNOWN;
        } catch (IOException | NumberFormatException e) {
            return InstanceUsage.UNKNOWN;
        }
    }
}
