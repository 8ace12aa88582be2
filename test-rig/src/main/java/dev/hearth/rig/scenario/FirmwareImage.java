package dev.hearth.rig.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.rig.HostCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A whole-disk firmware image on the rig's host, as {@code firmware/} builds it: boot (FAT), root A,
 * root B, data. The rig reads its partition table with {@code sfdisk}, provisions a copy for one
 * device (its configuration on the boot partition, where the device's init moves it to the data
 * partition on the first boot), and takes root A out to make update bundles from.
 * Host tools only: no mounts, no loop devices.
 */
public final class FirmwareImage {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TOOL_LIMIT = Duration.ofMinutes(5);

    /** One partition, in bytes. */
    public record Partition(int number, long offset, long size) { }

    private final Path file;
    private final List<Partition> partitions;

    private FirmwareImage(Path file, List<Partition> partitions) {
        this.file = file;
        this.partitions = List.copyOf(partitions);
    }

    /** Reads the image's partition table; it must have the four partitions of a Hearth image. */
    public static FirmwareImage open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("firmware image: no file " + file
                    + " (build one with ./hearth firmware build --board qemu-virt-arm64)");
        }
        String dump = HostCommand.of("sfdisk", "-J", file.toString()).run("reading the partition table of " + file, TOOL_LIMIT);
        List<Partition> parts = new ArrayList<>();
        try {
            JsonNode table = JSON.readTree(dump).path("partitiontable");
            long sector = table.path("sectorsize").asLong(512);
            int n = 1;
            for (JsonNode p : table.path("partitions")) {
                parts.add(new Partition(n++, p.path("start").asLong() * sector, p.path("size").asLong() * sector));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("firmware image " + file + ": sfdisk's table is not JSON: " + e.getMessage(), e);
        }
        if (parts.size() != 4) {
            throw new IllegalArgumentException("firmware image " + file + ": " + parts.size()
                    + " partitions, a Hearth image has 4 (boot, root A, root B, data)");
        }
        return new FirmwareImage(file.toAbsolutePath(), parts);
    }

    public Path file() {
        return file;
    }

    public Partition boot() {
        return partitions.get(0);
    }

    public Partition rootA() {
        return partitions.get(1);
    }

    public Partition data() {
        return partitions.get(3);
    }

    /**
     * A copy of this image for one device: {@code configuration} (file name to content, e.g.
     * {@code dev.hearth.agent.cfg}) in {@code /hearth-config/} on the boot partition. The copy
     * is sparse, like the image.
     */
    public FirmwareImage provision(Path copy, Map<String, String> configuration) {
        HostCommand.of("cp", "--sparse=always", file.toString(), copy.toString()).run("copying " + file, TOOL_LIMIT);
        Path staging = copy.resolveSibling(copy.getFileName() + ".config");
        try {
            Files.createDirectories(staging);
            List<String> mcopy = new ArrayList<>(List.of("mcopy", "-o", "-i", copy + "@@" + boot().offset()));
            for (Map.Entry<String, String> e : configuration.entrySet()) {
                Path f = staging.resolve(e.getKey());
                Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
                mcopy.add(f.toString());
            }
            mcopy.add("::/hearth-config/");
            HostCommand.of("mmd", "-D", "s", "-i", copy + "@@" + boot().offset(), "::/hearth-config")
                    .run("making /hearth-config on the boot partition of " + copy, TOOL_LIMIT);
            new HostCommand(mcopy).run("writing the device configuration onto " + copy, TOOL_LIMIT);
        } catch (IOException e) {
            throw new UncheckedIOException("provisioning " + copy + ": " + e.getMessage(), e);
        }
        return open(copy);
    }

    /**
     * Root A's file system, byte for byte (sparse), into {@code out}: the start of its partition, as
     * long as the ext4 superblock says (the firmware build makes the file system as large as its
     * files need, and an update bundle carries just that).
     */
    public Path extractRootA(Path out) {
        extract(rootA(), out);
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(out,
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            long size = ext4Size(channel);
            if (size < 0) {
                throw new IllegalStateException("firmware image " + file + ": root A (partition " + rootA().number()
                        + ") holds no ext4 superblock (magic 0xef53 at byte 1080): not a Hearth root file system");
            }
            if (size > channel.size()) {
                throw new IllegalStateException("firmware image " + file + ": root A's file system (" + size
                        + " bytes) is larger than its partition (" + channel.size() + " bytes)");
            }
            channel.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException("reading root A's file system from " + out + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The length in bytes of the ext4 file system at the start of {@code channel}, from its
     * superblock; -1 when there is none.
     */
    static long ext4Size(java.nio.channels.FileChannel channel) throws IOException {
        java.nio.ByteBuffer sb = java.nio.ByteBuffer.allocate(1024).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        while (sb.hasRemaining() && channel.read(sb, 1024 + sb.position()) > 0) {
            // reads the superblock, 1 KiB at offset 1 KiB
        }
        if (sb.hasRemaining() || (sb.getShort(0x38) & 0xffff) != 0xef53) {
            return -1;
        }
        long blocks = Integer.toUnsignedLong(sb.getInt(0x04));
        boolean wide = (sb.getInt(0x60) & 0x80) != 0; // INCOMPAT_64BIT: the block count has a high half
        if (wide) {
            blocks |= Integer.toUnsignedLong(sb.getInt(0x150)) << 32;
        }
        return blocks * (1024L << sb.getInt(0x18));
    }

    /** The data partition's content, byte for byte (sparse), into {@code out}. */
    public Path extractData(Path out) {
        return extract(data(), out);
    }

    private Path extract(Partition p, Path out) {
        long mib = 1 << 20;
        if (p.offset() % mib != 0 || p.size() % mib != 0) {
            throw new IllegalStateException("firmware image " + file + ": partition " + p.number() + " is not MiB-aligned");
        }
        HostCommand.of("dd", "if=" + file, "of=" + out, "bs=1M", "skip=" + p.offset() / mib, "count=" + p.size() / mib,
                "conv=sparse", "status=none").run("taking partition " + p.number() + " out of " + file, TOOL_LIMIT);
        return out;
    }

    /** A file of an ext4 file system image (root or data), read with debugfs. */
    public static String readFile(Path fileSystem, String path) {
        try {
            Path out = Files.createTempFile("hearth-rig-", ".file");
            try {
                Files.delete(out);
                HostCommand.of("debugfs", "-R", "dump " + path + " " + out, fileSystem.toString())
                        .run("reading " + path + " from " + fileSystem, TOOL_LIMIT);
                if (!Files.exists(out)) {
                    throw new IllegalStateException("reading " + path + " from " + fileSystem + ": no such file");
                }
                return Files.readString(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + " from " + fileSystem + ": " + e.getMessage(), e);
        }
    }
}
