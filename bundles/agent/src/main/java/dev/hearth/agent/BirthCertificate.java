package dev.hearth.agent;

import dev.hearth.supervisor.ServiceStatus;
import dev.hearth.supervisor.Supervisor;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The metrics of the birth certificate (and of SYS-V1 GET info): Kura's names, then Hearth's
 * ({@code hearth.slot}, {@code hearth.services}). Kura's {@code firmware_version} carries Hearth's
 * firmware version.
 */
final class BirthCertificate {

    private final DeviceFacts facts;
    private final Supervisor supervisor;
    private final long startMillis = System.currentTimeMillis();

    BirthCertificate(DeviceFacts facts, Supervisor supervisor) {
        this.facts = facts;
        this.supervisor = supervisor;
    }

    Map<String, Object> metrics(Collection<String> appIds) {
        Runtime rt = Runtime.getRuntime();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uptime", uptime());
        m.put("display_name", facts.displayName());
        m.put("model_name", facts.modelName());
        m.put("model_id", facts.modelName());
        m.put("part_number", DeviceFacts.UNKNOWN);
        m.put("serial_number", facts.serialNumber());
        m.put("firmware_version", facts.firmwareVersion());
        m.put("bios_version", DeviceFacts.UNKNOWN);
        m.put("cpu_version", System.getProperty("os.arch"));
        m.put("os", System.getProperty("os.name"));
        m.put("os_version", System.getProperty("os.version"));
        m.put("os_arch", System.getProperty("os.arch"));
        m.put("jvm_name", System.getProperty("java.vm.name"));
        m.put("jvm_version", System.getProperty("java.vm.version"));
        m.put("jvm_vendor", System.getProperty("java.vm.vendor"));
        m.put("kura_version", "hearth");
        m.put("connection_interface", DeviceFacts.UNKNOWN);
        m.put("connection_ip", DeviceFacts.UNKNOWN);
        m.put("accept_encoding", "gzip");
        m.put("application_ids", String.join(",", appIds));
        m.put("available_processors", String.valueOf(rt.availableProcessors()));
        m.put("total_memory", String.valueOf(rt.maxMemory() / 1024));
        m.put("osgi_framework", facts.frameworkName());
        m.put("osgi_framework_version", facts.frameworkVersion());
        m.put("payload_encoding", "kura-protobuf");
        m.put("tamper_status", "UNSUPPORTED");
        m.put("hearth.slot", facts.slot());
        m.put("hearth.services", supervisor.statuses().stream().map(ServiceStatus::name).collect(Collectors.joining(",")));
        return m;
    }

    /** The clean-disconnect certificate's metrics. */
    Map<String, Object> disconnectMetrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uptime", uptime());
        m.put("display_name", facts.displayName());
        return m;
    }

    private long uptime() {
        try {
            return ManagementFactory.getRuntimeMXBean().getUptime();
        } catch (RuntimeException | LinkageError e) {
            return System.currentTimeMillis() - startMillis; // no management beans on this JVM
        }
    }
}
