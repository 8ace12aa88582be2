package dev.hearth.ota;

import dev.hearth.ota.boot.UBootBootloader;
import dev.hearth.ota.boot.UBootEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A board made of files: rootfs slots A and B, and a redundant U-Boot environment in two files. */
public final class FileBoard {

    public final Path slotA;
    public final Path slotB;
    public final Path env1;
    public final Path env2;
    public final Path keyringFile;
    public final List<Slot> slots;
    public final UBootEnvironment environment;
    public final UBootBootloader bootloader;

    public FileBoard(Path dir, int slotSize) throws IOException {
        slotA = dir.resolve("rootfs-a.img");
        slotB = dir.resolve("rootfs-b.img");
        env1 = dir.resolve("uboot.env");
        env2 = dir.resolve("uboot-redund.env");
        keyringFile = dir.resolve("keyring.pem");
        Files.write(slotA, new byte[slotSize]);
        Files.write(slotB, new byte[slotSize]);
        Files.write(env1, new byte[UBootEnvironment.DEFAULT_SIZE]);
        Files.write(env2, new byte[UBootEnvironment.DEFAULT_SIZE]);
        slots = List.of(new Slot("rootfs.0", "rootfs", slotA, "A"), new Slot("rootfs.1", "rootfs", slotB, "B"));
        environment = new UBootEnvironment(List.of(new UBootEnvironment.Copy(env1, 0), new UBootEnvironment.Copy(env2, 0)),
                UBootEnvironment.DEFAULT_SIZE, FileBlockDevice::open);
        bootloader = new UBootBootloader(environment, List.of("A", "B"));
        environment.write(UBootBootloader.defaultVariables(List.of("A", "B")));
    }
}
