package dev.hearth.firmware;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A kind of hardware as the firmware builder needs it: {@code board-support/<board>/board.properties}.
 * A record that does no I/O once made; {@link #read(Path)} refuses unknown and missing keys.
 *
 * @param board             the board's name, the same as its folder
 * @param architecture      Debian architecture (arm64)
 * @param suite             Debian suite (bookworm)
 * @param components        archive components (main, non-free-firmware …)
 * @param kernelPackage     the Debian kernel package
 * @param bootloader        the Debian bootloader package
 * @param bootloaderFdt     the U-Boot variable holding the device tree address handed to the kernel
 * @param console           the kernel console device name (ttyAMA0)
 * @param layout            partition sizes
 * @param devices           how Linux names the partitions on this board
 * @param initramfsModules  kernel modules the initramfs loads, in dependency order
 * @param rootfsModules     kernel modules the root file system keeps (with what they depend on);
 *                          {@code all} keeps every one, an empty list none
 * @param networkInterface  the interface brought up with DHCP
 * @param extraPackages     further Debian packages for the root filesystem
 */
public record BoardDescription(String board, String architecture, String suite, List<String> components,
                               String kernelPackage, String bootloader, String bootloaderFdt, String console,
                               PartitionLayout layout, RootDevices devices, List<String> initramfsModules,
                               List<String> rootfsModules,
                               String networkInterface, List<String> extraPackages) {

    /** Sizes in MiB of the boot partition, each root slot, and the data partition. */
    public record PartitionLayout(int bootMib, int rootMib, int dataMib) {
        public PartitionLayout {
            positive("partition.boot.mib", bootMib);
            positive("partition.root.mib", rootMib);
            positive("partition.data.mib", dataMib);
        }

        /** Whole disk: 1 MiB for the partition table and alignment, then the four partitions. */
        public long diskMib() {
            return 1L + bootMib + 2L * rootMib + dataMib;
        }
    }

    /** Device names of the boot partition, root slots A and B, and the data partition. */
    public record RootDevices(String boot, String rootA, String rootB, String data) {
        public RootDevices {
            device("device.boot", boot);
            device("device.root.A", rootA);
            device("device.root.B", rootB);
            device("device.data", data);
            if (new TreeSet<>(List.of(boot, rootA, rootB, data)).size() != 4) {
                throw new IllegalArgumentException("board description: the four devices must differ");
            }
        }
    }

    /** Every key a board description may have; all of them must be present. */
    public static final Set<String> KEYS = Set.of("board", "architecture", "suite", "components", "kernel.package",
            "bootloader", "bootloader.fdt", "console", "partition.boot.mib", "partition.root.mib",
            "partition.data.mib", "device.boot", "device.root.A", "device.root.B", "device.data",
            "initramfs.modules", "rootfs.modules", "network.interface", "packages.extra");

    private static final Set<String> ARCHITECTURES = Set.of("arm64", "armhf", "amd64");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.+_-]*");

    public BoardDescription {
        name("board", board);
        if (!ARCHITECTURES.contains(architecture)) {
            throw new IllegalArgumentException("board description: architecture '" + architecture + "' is not one of "
                    + new TreeSet<>(ARCHITECTURES));
        }
        name("suite", suite);
        components = names("components", components);
        if (components.isEmpty()) {
            throw new IllegalArgumentException("board description: components is empty");
        }
        name("kernel.package", kernelPackage);
        name("bootloader", bootloader);
        if (!Pattern.matches("[a-z_][a-z0-9_]*", bootloaderFdt)) {
            throw new IllegalArgumentException("board description: bootloader.fdt '" + bootloaderFdt
                    + "' is not a U-Boot variable name");
        }
        if (!Pattern.matches("tty[A-Za-z0-9]+", console)) {
            throw new IllegalArgumentException("board description: console '" + console + "' is not a tty name");
        }
        initramfsModules = names("initramfs.modules", initramfsModules);
        rootfsModules = names("rootfs.modules", rootfsModules);
        if (rootfsModules.contains("all") && rootfsModules.size() > 1) {
            throw new IllegalArgumentException("board description: rootfs.modules is either 'all' or a list of modules");
        }
        name("network.interface", networkInterface);
        extraPackages = names("packages.extra", extraPackages);
    }

    /** Reads and checks a board description file. */
    public static BoardDescription read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        try {
            return of(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** A board description from its keys; unknown or missing keys are refused. */
    public static BoardDescription of(Properties p) {
        Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("board description: unknown keys " + unknown);
        }
        Set<String> missing = new TreeSet<>(KEYS);
        missing.removeAll(p.stringPropertyNames());
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("board description: missing keys " + missing);
        }
        return new BoardDescription(p.getProperty("board").trim(), p.getProperty("architecture").trim(),
                p.getProperty("suite").trim(), words(p, "components"), p.getProperty("kernel.package").trim(),
                p.getProperty("bootloader").trim(), p.getProperty("bootloader.fdt").trim(),
                p.getProperty("console").trim(),
                new PartitionLayout(mib(p, "partition.boot.mib"), mib(p, "partition.root.mib"),
                        mib(p, "partition.data.mib")),
                new RootDevices(p.getProperty("device.boot").trim(), p.getProperty("device.root.A").trim(),
                        p.getProperty("device.root.B").trim(), p.getProperty("device.data").trim()),
                words(p, "initramfs.modules"), words(p, "rootfs.modules"), p.getProperty("network.interface").trim(),
                words(p, "packages.extra"));
    }

    /** The description as shell assignments ({@code board_<key>='value'}), for the image builder. */
    public Map<String, String> shellVariables() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("board", board);
        v.put("board_architecture", architecture);
        v.put("board_suite", suite);
        v.put("board_components", String.join(" ", components));
        v.put("board_kernel_package", kernelPackage);
        v.put("board_bootloader", bootloader);
        v.put("board_bootloader_fdt", bootloaderFdt);
        v.put("board_console", console);
        v.put("board_boot_mib", Integer.toString(layout.bootMib()));
        v.put("board_root_mib", Integer.toString(layout.rootMib()));
        v.put("board_data_mib", Integer.toString(layout.dataMib()));
        v.put("board_device_boot", devices.boot());
        v.put("board_device_root_A", devices.rootA());
        v.put("board_device_root_B", devices.rootB());
        v.put("board_device_data", devices.data());
        v.put("board_initramfs_modules", String.join(" ", initramfsModules));
        v.put("board_rootfs_modules", String.join(" ", rootfsModules));
        v.put("board_network_interface", networkInterface);
        v.put("board_extra_packages", String.join(" ", extraPackages));
        return v;
    }

    /** {@code java dev.hearth.firmware.BoardDescription <board.properties>}: prints the shell assignments. */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: BoardDescription <board.properties>");
            System.exit(2);
        }
        try {
            BoardDescription d = read(Path.of(args[0]));
            StringBuilder out = new StringBuilder();
            d.shellVariables().forEach((k, val) -> out.append(k).append("='").append(val).append("'\n"));
            System.out.print(out);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("firmware: " + e.getMessage());
            System.exit(1);
        }
    }

    private static List<String> words(Properties p, String key) {
        String text = p.getProperty(key).trim();
        return text.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(text.split("\\s+")));
    }

    private static int mib(Properties p, String key) {
        String text = p.getProperty(key).trim();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("board description: " + key + " '" + text + "' is not a whole number of MiB", e);
        }
    }

    private static void positive(String key, int mib) {
        if (mib <= 0) {
            throw new IllegalArgumentException("board description: " + key + " must be positive, not " + mib);
        }
    }

    private static void device(String key, String path) {
        if (path == null || !Pattern.matches("/dev/[A-Za-z0-9/_-]+", path)) {
            throw new IllegalArgumentException("board description: " + key + " '" + path + "' is not a /dev path");
        }
    }

    private static void name(String key, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("board description: " + key + " '" + value + "' is not a valid name");
        }
    }

    private static List<String> names(String key, List<String> values) {
        for (String v : values) {
            name(key, v);
        }
        return List.copyOf(values);
    }
}
