package dev.hearth.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The raspberrypi4 image, checked structurally (never booted here): its partition table, and a
 * boot partition holding what the Pi 4's GPU firmware reads and the U-Boot it starts.
 * Runs with {@code -Dhearth.firmware.boot=true}, like the virtual board.
 */
@EnabledIfSystemProperty(named = "hearth.firmware.boot", matches = "true")
class RaspberryPiImageTest {

    private static final Path ROOT = Path.of(System.getProperty("hearth.root", "..")).toAbsolutePath().normalize();
    private static final String BOARD = "raspberrypi4";
    private static final String VERSION = "0.0.0-structure";

    @TempDir
    Path tmp;

    @Test
    void theRaspberryPiImageHasItsPartitionsAndABootPartitionThePiFirmwareCanStartUBootFrom() throws Exception {
        BoardDescription description = BoardDescription.read(ROOT.resolve("board-support/" + BOARD + "/board.properties"));
        String build = VirtualBoardTest.run(Duration.ofMinutes(20), ROOT.resolve("firmware/bin/build-image").toString(),
                "--board", BOARD, "--version", VERSION, "--output", VirtualBoardTest.OUT.toString());
        Path image = VirtualBoardTest.OUT.resolve("hearth-" + BOARD + "-" + VERSION + ".img");
        assertTrue(Files.isRegularFile(image), build);
        VirtualBoardTest.checkPartitionTable(image, description);

        String files = VirtualBoardTest.run(Duration.ofSeconds(30), "mdir", "-b", "-i", image + "@@1M", "::/");
        for (String f : List.of("start4.elf", "fixup4.dat", "bcm2711-rpi-4-b.dtb", "config.txt", "u-boot.bin", "boot.scr",
                "Image_A", "initrd_A", "Image_B", "initrd_B", "uboot.env", "uboot-redund.env")) {
            assertTrue(files.contains("::/" + f + "\n"), f + " on the boot partition: " + files);
        }
        Path boot = Files.createDirectories(tmp.resolve("boot"));
        VirtualBoardTest.run(Duration.ofSeconds(60), "mcopy", "-n", "-i", image + "@@1M", "::/config.txt", "::/boot.scr",
                "::/u-boot.bin", "::/start4.elf", boot.toString());
        String config = Files.readString(boot.resolve("config.txt"), StandardCharsets.US_ASCII);
        assertTrue(config.lines().anyMatch("kernel=u-boot.bin"::equals), "the Pi firmware starts U-Boot: " + config);
        assertTrue(config.lines().anyMatch("arm_64bit=1"::equals), "in 64-bit mode: " + config);
        assertTrue(config.lines().anyMatch("device_tree=bcm2711-rpi-4-b.dtb"::equals), config);

        String script = VirtualBoardTest.run(Duration.ofSeconds(30), "mkimage", "-l", boot.resolve("boot.scr").toString());
        assertTrue(script.contains("Script") && script.contains("AArch64"), "boot.scr is a compiled arm64 script: " + script);
        String uboot = new String(Files.readAllBytes(boot.resolve("u-boot.bin")), StandardCharsets.ISO_8859_1);
        assertTrue(uboot.contains("U-Boot 20"), "u-boot.bin is U-Boot");
        assertTrue(uboot.contains("rpi"), "built for the Raspberry Pi");
        assertTrue(Files.size(boot.resolve("start4.elf")) > 1 << 20, "start4.elf is the GPU firmware");
    }
}
