package dev.hearth.isolation.crun;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.supervisor.ServiceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The OCI runtime config ({@code config.json}) of one container: its own pid, mount, ipc, uts and
 * network namespaces (loopback only), the spec's memory and CPU limits and the driver's pids limit,
 * no new privileges, no capabilities, a seccomp profile refusing what a service never needs, a
 * read-only root, a tmpfs {@code /tmp}, the service's data directory at {@code /data} and the
 * socket directory at {@value #SOCKET_DIRECTORY}.
 */
final class RuntimeConfig {

    /** Where the socket directory appears inside the container. */
    static final String SOCKET_DIRECTORY = "/run/hearth";
    /** The socket the service listens on, inside the container: the value of {@code HEARTH_SOCKET}. */
    static final String SOCKET_PATH = SOCKET_DIRECTORY + "/http.sock";
    /** The socket's file name in the socket directory. */
    static final String SOCKET_NAME = "http.sock";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CPU_PERIOD_MICROS = 100_000;

    /** Refused with EPERM: mounting, namespaces, kernel modules and keys, tracing, clocks, reboot. */
    static final List<String> REFUSED_SYSCALLS = List.of("mount", "umount2", "pivot_root", "chroot", "move_mount",
            "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr", "unshare", "setns", "ptrace",
            "process_vm_readv", "process_vm_writev", "kexec_load", "kexec_file_load", "init_module",
            "finit_module", "delete_module", "bpf", "perf_event_open", "keyctl", "add_key", "request_key",
            "swapon", "swapoff", "reboot", "acct", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
            "open_by_handle_at", "name_to_handle_at", "userfaultfd", "quotactl", "syslog",
            "lookup_dcookie", "pidfd_getfd");

    private RuntimeConfig() {
    }

    /**
     * The config of container {@code containerId} running {@code image} for {@code spec}.
     *
     * @param cgroupPath   the container's cgroup, relative to each controller's root
     * @param pidsLimit    processes and threads the container may have
     * @param tmpfsBytes   size of {@code /tmp} (it counts against the memory limit)
     * @param hostJava     the host's Java home, mounted where the image's host-java label says
     */
    static String json(String containerId, ServiceSpec spec, Image image, Path dataDirectory, Path socketDirectory,
                       String cgroupPath, int pidsLimit, long tmpfsBytes, Path hostJava) {
        ObjectNode root = JSON.createObjectNode();
        root.put("ociVersion", "1.0.2");
        ObjectNode process = root.putObject("process");
        process.put("terminal", false);
        process.putObject("user").put("uid", 0).put("gid", 0);
        ArrayNode args = process.putArray("args");
        image.argv().forEach(args::add);
        ArrayNode env = process.putArray("env");
        image.env().stream().filter(e -> !e.startsWith("HEARTH_")).forEach(env::add);
        env.add("HEARTH_SOCKET=" + SOCKET_PATH);
        env.add("HEARTH_SERVICE=" + spec.name());
        process.put("cwd", image.workingDir());
        ObjectNode capabilities = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "inheritable", "permitted", "ambient")) {
            capabilities.putArray(set);
        }
        process.putArray("rlimits").addObject().put("type", "RLIMIT_NOFILE").put("hard", 1024).put("soft", 1024);
        process.put("noNewPrivileges", true);

        root.putObject("root").put("path", image.rootfs().toString()).put("readonly", true);
        root.put("hostname", spec.name());

        ArrayNode mounts = root.putArray("mounts");
        mount(mounts, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
        mount(mounts, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
        mount(mounts, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666",
                "mode=0620");
        mount(mounts, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k");
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
        mount(mounts, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
        mount(mounts, "/tmp", "tmpfs", "tmpfs", "nosuid", "nodev", "mode=1777", "size=" + tmpfsBytes);
        mount(mounts, "/data", "bind", dataDirectory.toString(), "rbind", "rw", "nosuid", "nodev");
        mount(mounts, SOCKET_DIRECTORY, "bind", socketDirectory.toString(), "rbind", "rw", "nosuid", "nodev",
                "noexec");
        String javaAt = image.labels().get(Image.HOST_JAVA_LABEL);
        if (javaAt != null) {
            hostJavaMounts(mounts, javaAt, hostJava);
        }

        ObjectNode linux = root.putObject("linux");
        ArrayNode namespaces = linux.putArray("namespaces");
        for (String type : List.of("pid", "network", "ipc", "uts", "mount")) {
            namespaces.addObject().put("type", type);
        }
        linux.put("cgroupsPath", cgroupPath);
        ObjectNode resources = linux.putObject("resources");
        resources.putArray("devices").addObject().put("allow", false).put("access", "rwm");
        resources.putObject("memory").put("limit", spec.memoryLimitBytes());
        resources.putObject("cpu").put("quota", spec.cpuLimitMillicores() * CPU_PERIOD_MICROS / 1000)
                .put("period", CPU_PERIOD_MICROS);
        resources.putObject("pids").put("limit", pidsLimit);
        ArrayNode masked = linux.putArray("maskedPaths");
        for (String path : List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi")) {
            masked.add(path);
        }
        ArrayNode readonly = linux.putArray("readonlyPaths");
        for (String path : List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger")) {
            readonly.add(path);
        }
        ObjectNode seccomp = linux.putObject("seccomp");
        seccomp.put("defaultAction", "SCMP_ACT_ALLOW");
        ObjectNode refused = seccomp.putArray("syscalls").addObject();
        ArrayNode names = refused.putArray("names");
        REFUSED_SYSCALLS.forEach(names::add);
        refused.put("action", "SCMP_ACT_ERRNO").put("errnoRet", 1);
        return root.toPrettyString();
    }

    /**
     * The host's JRE at {@code javaAt}, with the shared libraries it links against and the
     * configuration directory its {@code conf} links point into, all read-only.
     */
    private static void hostJavaMounts(ArrayNode mounts, String javaAt, Path hostJava) {
        mount(mounts, javaAt, "bind", realPath(hostJava).toString(), "rbind", "ro", "nosuid", "nodev");
        for (String library : List.of("/usr/lib", "/lib64")) {
            Path host = Path.of(library);
            if (Files.isDirectory(host)) {
                mount(mounts, library, "bind", realPath(host).toString(), "rbind", "ro", "nosuid", "nodev");
            }
        }
        mount(mounts, "/lib", "bind", realPath(Path.of("/lib")).toString(), "rbind", "ro", "nosuid", "nodev");
        Path security = hostJava.resolve("conf").resolve("security").resolve("java.security");
        if (Files.isSymbolicLink(security)) {
            Path configuration = realPath(security).getParent().getParent();
            mount(mounts, configuration.toString(), "bind", configuration.toString(), "rbind", "ro", "nosuid",
                    "nodev");
        }
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot resolve " + path + ": " + e.getMessage(), e);
        }
    }

    private static void mount(ArrayNode mounts, String destination, String type, String source, String... options) {
        ObjectNode mount = mounts.addObject();
        mount.put("destination", destination).put("type", type).put("source", source);
        ArrayNode list = mount.putArray("options");
        for (String option : options) {
            list.add(option);
        }
    }
}
