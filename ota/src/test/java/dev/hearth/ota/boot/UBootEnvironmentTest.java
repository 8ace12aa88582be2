package dev.hearth.ota.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.ota.FileBlockDevice;
import dev.hearth.ota.FileBoard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The environment against the real libubootenv tools, fw_printenv and fw_setenv. */
class UBootEnvironmentTest {

    @TempDir
    Path dir;
    FileBoard board;
    Path config;

    @BeforeEach
    void board() throws IOException {
        board = new FileBoard(dir, 4096);
        config = Files.writeString(dir.resolve("fw_env.config"), board.environment.fwEnvConfig());
    }

    private String tool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(args));
        command.add(1, "-c");
        command.add(2, config.toString());
        Path out = dir.resolve("tool.out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "tool did not finish");
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + text);
        return text;
    }

    private Map<String, String> printenv() throws Exception {
        Map<String, String> vars = new TreeMap<>();
        for (String line : tool("/usr/bin/fw_printenv").split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                vars.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return vars;
    }

    @Test
    void fwPrintenvReadsEveryStateTheBootloaderWrites() throws Exception {
        assertEquals(Map.of("BOOT_ORDER", "A B", "BOOT_A_LEFT", "3", "BOOT_B_LEFT", "3"), printenv());
        board.bootloader.markBad("B");
        assertEquals(Map.of("BOOT_ORDER", "A", "BOOT_A_LEFT", "3", "BOOT_B_LEFT", "0"), printenv());
        board.bootloader.markActive("B");
        assertEquals(Map.of("BOOT_ORDER", "B A", "BOOT_A_LEFT", "3", "BOOT_B_LEFT", "3"), printenv());
        BootScript.boot(board.bootloader);
        assertEquals("2", printenv().get("BOOT_B_LEFT"));
    }

    @Test
    void theBootloaderReadsWhatFwSetenvWroteAndKeepsOtherVariables() throws Exception {
        tool("/usr/bin/fw_setenv", "BOOT_ORDER", "B A");
        tool("/usr/bin/fw_setenv", "BOOT_B_LEFT", "1");
        tool("/usr/bin/fw_setenv", "bootdelay", "0");
        BootSelection s = board.bootloader.selection();
        assertEquals(List.of("B", "A"), s.order());
        assertEquals(1, s.attemptsLeft("B"));
        board.bootloader.markGood("B");
        Map<String, String> vars = printenv();
        assertEquals("3", vars.get("BOOT_B_LEFT"));
        assertEquals("0", vars.get("bootdelay"));
    }

    @Test
    void aTornWriteOfTheNewestCopyLeavesThePreviousState() throws Exception {
        board.bootloader.markBad("B");
        Path newest = Files.readAllBytes(board.env1)[4] > Files.readAllBytes(board.env2)[4] ? board.env1 : board.env2;
        byte[] image = Files.readAllBytes(newest);
        image[10] ^= 0x20;
        Files.write(newest, image);
        assertEquals(List.of("A", "B"), board.bootloader.selection().order());
        assertEquals("A B", printenv().get("BOOT_ORDER"));
    }

    @Test
    void theCopyCounterWrapsFrom255To0AsLibubootenvExpects() throws Exception {
        Files.write(board.env1, UBootEnvironment.encode(Map.of("X", "old"), UBootEnvironment.DEFAULT_SIZE, 0xff));
        Files.write(board.env2, UBootEnvironment.encode(Map.of("X", "older"), UBootEnvironment.DEFAULT_SIZE, 0xfe));
        assertEquals("old", board.environment.read().orElseThrow().get("X"));
        board.environment.write(Map.of("X", "new"));
        assertEquals(0, Files.readAllBytes(board.env2)[4]);
        assertEquals("new", board.environment.read().orElseThrow().get("X"));
        assertEquals("new", printenv().get("X"));
        tool("/usr/bin/fw_setenv", "X", "newer");
        assertEquals(1, Files.readAllBytes(board.env1)[4]);
        assertEquals("newer", board.environment.read().orElseThrow().get("X"));
    }

    @Test
    void aSingleCopyEnvironmentIsThePlainFormatThatEnvImportReads() throws Exception {
        Path single = Files.write(dir.resolve("single.env"), new byte[UBootEnvironment.DEFAULT_SIZE]);
        UBootEnvironment env = new UBootEnvironment(List.of(new UBootEnvironment.Copy(single, 0)),
                UBootEnvironment.DEFAULT_SIZE, FileBlockDevice::open);
        env.write(Map.of("BOOT_ORDER", "A B"));
        config = Files.writeString(dir.resolve("fw_env.config"), env.fwEnvConfig());
        assertEquals("A B", printenv().get("BOOT_ORDER"));
        byte[] image = Files.readAllBytes(single);
        assertEquals("BOOT_ORDER=A B", new String(image, 4, 14, StandardCharsets.US_ASCII));
    }
}
