package dev.hearth.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BoardDescriptionTest {

    private static final Path SUPPORT = Path.of(System.getProperty("hearth.root", "..")).resolve("board-support");

    private static Properties virtualBoard() throws IOException {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(SUPPORT.resolve("qemu-virt-arm64/board.properties"))) {
            p.load(r);
        }
        return p;
    }

    @Test
    void theVirtualBoardDescriptionReadsWithItsLayoutAndDevices() throws IOException {
        BoardDescription d = BoardDescription.read(SUPPORT.resolve("qemu-virt-arm64/board.properties"));
        assertEquals("qemu-virt-arm64", d.board());
        assertEquals("arm64", d.architecture());
        assertEquals("/dev/vda2", d.devices().rootA());
        assertEquals("/dev/vda3", d.devices().rootB());
        assertEquals(1 + 128 + 2 * 640 + 256, d.layout().diskMib());
        assertEquals("virtio_ring", d.initramfsModules().get(0));
        assertTrue(d.initramfsModules().indexOf("virtio") < d.initramfsModules().indexOf("virtio_blk"),
                "virtio loads before virtio_blk");
        assertEquals(List.of(), d.rootfsModules(), "the virtual board's root file system needs no modules");
    }

    @Test
    void theRaspberryPiDescriptionAsksForTheNonFreeFirmwareComponent() throws IOException {
        BoardDescription d = BoardDescription.read(SUPPORT.resolve("raspberrypi4/board.properties"));
        assertEquals(List.of("main", "non-free-firmware"), d.components());
        assertTrue(d.extraPackages().contains("raspi-firmware"));
        assertTrue(Files.isRegularFile(SUPPORT.resolve("raspberrypi4/boot.cmd")), "the Pi has a boot script");
        assertTrue(Files.isRegularFile(SUPPORT.resolve("raspberrypi4/config.txt")), "the Pi has a config.txt");
    }

    @Test
    void anUnknownKeyIsRefusedByName() throws IOException {
        Properties p = virtualBoard();
        p.setProperty("partition.swap.mib", "64");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BoardDescription.of(p));
        assertTrue(e.getMessage().contains("unknown keys [partition.swap.mib]"), e.getMessage());
    }

    @Test
    void aMissingKeyIsRefusedByName() throws IOException {
        Properties p = virtualBoard();
        p.remove("device.data");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BoardDescription.of(p));
        assertTrue(e.getMessage().contains("missing keys [device.data]"), e.getMessage());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() throws IOException {
        Properties size = virtualBoard();
        size.setProperty("partition.root.mib", "0");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BoardDescription.of(size)).getMessage()
                .contains("partition.root.mib"));
        Properties arch = virtualBoard();
        arch.setProperty("architecture", "sparc");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BoardDescription.of(arch)).getMessage()
                .contains("architecture 'sparc'"));
        Properties same = virtualBoard();
        same.setProperty("device.root.B", "/dev/vda2");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BoardDescription.of(same)).getMessage()
                .contains("must differ"));
        Properties modules = virtualBoard();
        modules.setProperty("rootfs.modules", "all xenfs");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BoardDescription.of(modules)).getMessage()
                .contains("rootfs.modules"));
        Properties device = virtualBoard();
        device.setProperty("device.data", "vda4");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BoardDescription.of(device)).getMessage()
                .contains("device.data 'vda4'"));
    }

    @Test
    void theShellFormHasEveryValueTheImageBuilderReads() throws IOException {
        BoardDescription d = BoardDescription.of(virtualBoard());
        var v = d.shellVariables();
        assertEquals("640", v.get("board_root_mib"));
        assertEquals("/dev/vda4", v.get("board_device_data"));
        assertEquals("fdtcontroladdr", v.get("board_bootloader_fdt"));
        assertEquals("", v.get("board_rootfs_modules"));
        assertEquals(19, v.size());
    }

    @Test
    void aValueWithAQuoteCannotReachTheShell() throws IOException {
        Properties bad = virtualBoard();
        bad.setProperty("suite", "bookworm'; rm -rf /; '");
        assertThrows(IllegalArgumentException.class, () -> BoardDescription.of(bad));
    }
}
