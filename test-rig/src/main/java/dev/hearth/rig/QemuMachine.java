package dev.hearth.rig;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The virtual board's machine: what {@code QemuBoard} starts. A record that does no I/O.
 *
 * @param image     the whole-disk image the board boots from at first; empty for no disk (U-Boot alone)
 * @param firmware  the U-Boot binary given to {@code -bios}
 * @param memoryMib guest memory
 * @param forwards  host TCP ports forwarded to the guest, on 127.0.0.1
 */
public record QemuMachine(Optional<Path> image, Path firmware, int memoryMib, int cpus, List<Forward> forwards) {

    public static final Path DEBIAN_UBOOT = Path.of("/usr/lib/u-boot/qemu_arm64/u-boot.bin");
    public static final int DEFAULT_MEMORY_MIB = 1024;
    /** Two emulated cores: the JVM compiles and collects beside the application, as on a board. */
    public static final int DEFAULT_CPUS = 2;

    /** {@code hostPort} on 127.0.0.1 reaches {@code guestPort} on the board. */
    public record Forward(int hostPort, int guestPort) {
        public Forward {
            if (hostPort < 1 || hostPort > 65535 || guestPort < 1 || guestPort > 65535) {
                throw new IllegalArgumentException("qemu forward: ports must be 1-65535, were " + hostPort + ":" + guestPort);
            }
        }
    }

    public QemuMachine {
        forwards = List.copyOf(forwards);
        if (cpus < 1 || cpus > 8) {
            throw new IllegalArgumentException("qemu: 'cpus' must be 1..8, was " + cpus);
        }
        if (memoryMib < 64) {
            throw new IllegalArgumentException("qemu: 'memoryMib' must be at least 64, was " + memoryMib);
        }
    }

    /** U-Boot alone: no disk, 256 MiB. */
    public static QemuMachine bootloaderOnly() {
        return new QemuMachine(Optional.empty(), DEBIAN_UBOOT, 256, 1, List.of());
    }

    public QemuMachine withImage(Path image) {
        return new QemuMachine(Optional.of(image), firmware, memoryMib, cpus, forwards);
    }
}
