package dev.hearth.isolation.crun;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How this host mounts its cgroups, read from {@code /proc/self/mountinfo}. Immutable and does no
 * I/O: {@link #parse} takes the text.
 *
 * @param mode        unified (v2 only), legacy (v1 only) or hybrid (v1 controllers and an empty v2 tree)
 * @param v1          v1 controller name (cpu, cpuacct, memory, pids …) to its mount point
 * @param unified     where the v2 tree is mounted, when it is
 */
public record CgroupHost(Mode mode, Map<String, Path> v1, Optional<Path> unified) {

    /** The three ways a Linux host mounts cgroups. */
    public enum Mode {
        /** One v2 hierarchy at /sys/fs/cgroup: what the firmware mounts. */
        UNIFIED,
        /** v1 controllers only. */
        LEGACY,
        /**
         * v1 controllers plus a v2 tree (usually /sys/fs/cgroup/unified) without controllers. crun
         * refuses it; the driver hides the v2 mount from crun in a private mount namespace.
         */
        HYBRID,
        /** No cgroup mount at all: containers cannot be limited. */
        NONE
    }

    public CgroupHost {
        Objects.requireNonNull(mode, "mode");
        v1 = Map.copyOf(v1);
        Objects.requireNonNull(unified, "unified");
    }

    /** Reads the mode from the text of a mountinfo file. */
    public static CgroupHost parse(String mountinfo) {
        Map<String, Path> v1 = new LinkedHashMap<>();
        Optional<Path> unified = Optional.empty();
        for (String line : mountinfo.split("\n")) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] before = line.substring(0, dash).split(" ");
            String[] after = line.substring(dash + 3).split(" ");
            if (before.length < 5 || after.length < 3) {
                continue;
            }
            Path mountPoint = Path.of(before[4].replace("\\040", " "));
            if (after[0].equals("cgroup2")) {
                unified = Optional.of(mountPoint);
            } else if (after[0].equals("cgroup")) {
                for (String option : after[2].split(",")) {
                    if (!option.equals("rw") && !option.equals("ro") && !option.contains("=")) {
                        v1.put(option, mountPoint);
                    }
                }
            }
        }
        Mode mode;
        if (v1.isEmpty()) {
            mode = unified.isPresent() ? Mode.UNIFIED : Mode.NONE;
        } else {
            mode = unified.isPresent() ? Mode.HYBRID : Mode.LEGACY;
        }
        return new CgroupHost(mode, v1, unified);
    }

    /**
     * Where a v1 controller's files for a cgroup path are, or for a unified host the cgroup's
     * directory (controller ignored).
     */
    public Optional<Path> directory(String controller, String cgroupPath) {
        String relative = cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath;
        return switch (mode) {
            case UNIFIED -> unified.map(root -> root.resolve(relative));
            case LEGACY, HYBRID -> Optional.ofNullable(v1.get(controller)).map(root -> root.resolve(relative));
            case NONE -> Optional.empty();
        };
    }
}
