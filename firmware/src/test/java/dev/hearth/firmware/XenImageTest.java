package dev.hearth.firmware;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code build-image --hypervisor xen} on the virtual board: Xen on the boot partition, the boot
 * script that starts it, the Xen tools and dom0 drivers in the root file system; then booted
 * (QEMU with virtualization=on, TCG): Xen starts the image's kernel as dom0, the init brings up
 * the Xen store and {@code xl} answers, and the userland's updater marks the slot good. About
 * two minutes; runs only with {@code -Dhearth.firmware.boot=true}.
 */
@EnabledIfSystemProperty(named = "hearth.firmware.boot", matches = "true")
class XenImageTest {

    private static final Path ROOT = Path.of(System.getProperty("hearth.root", "..")).toAbsolutePath().normalize();
    private static final String BOARD = "qemu-virt-arm64";
    private static final String VERSION = "0.0.0-xen";

    @TempDir
    Path tmp;

    private Process board;

    @AfterEach
    void stop() throws InterruptedException {
        if (board != null && board.isAlive()) {
            board.destroy();
            if (!board.waitFor(10, TimeUnit.SECONDS)) {
                board.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void xenStartsTheImagesKernelAsDom0AndTheUserlandMarksTheSlotGood() throws Exception {
        BoardDescription d = BoardDescription.read(ROOT.resolve("board-support/" + BOARD + "/board.properties"));
        String build = VirtualBoardTest.run(Duration.ofMinutes(20), ROOT.resolve("firmware/bin/build-image").toString(),
                "--board", BOARD, "--version", VERSION, "--hypervisor", "xen", "--output", VirtualBoardTest.OUT.toString());
        Path image = VirtualBoardTest.OUT.resolve("hearth-" + BOARD + "-xen-" + VERSION + ".img");
        assertTrue(Files.isRegularFile(image), build);
        VirtualBoardTest.checkPartitionTable(image, d);

        String files = VirtualBoardTest.run(Duration.ofSeconds(30), "mdir", "-b", "-i", image + "@@1M", "::/");
        for (String f : List.of("xen", "Image_A", "initrd_A", "boot.scr", "uboot.env", "uboot-redund.env")) {
            assertTrue(files.contains("::/" + f + "\n"), f + " on the boot partition: " + files);
        }
        Path boot = Files.createDirectories(tmp.resolve("boot"));
        VirtualBoardTest.run(Duration.ofSeconds(60), "mcopy", "-n", "-i", image + "@@1M", "::/xen", "::/boot.scr",
                boot.toString());
        String xen = new String(Files.readAllBytes(boot.resolve("xen")), StandardCharsets.ISO_8859_1);
        assertTrue(xen.contains("Xen"), "the hypervisor is Xen");
        String header = VirtualBoardTest.run(Duration.ofSeconds(30), "mkimage", "-l", boot.resolve("boot.scr").toString());
        assertTrue(header.contains("Script") && header.contains("AArch64"), "boot.scr is a compiled arm64 script: " + header);
        String script = new String(Files.readAllBytes(boot.resolve("boot.scr")), StandardCharsets.ISO_8859_1);
        assertTrue(script.contains("setenv hearth_hypervisor xen"), "the script is told to start Xen");
        assertTrue(script.contains("booti ${kernel_addr_r} - ${hearth_xen_fdt}"), "the script boots Xen");

        Path rootA = tmp.resolve("root-a.ext4");
        VirtualBoardTest.run(Duration.ofMinutes(2), "dd", "if=" + image, "of=" + rootA, "bs=1M",
                "skip=" + (1 + d.layout().bootMib()), "count=" + d.layout().rootMib(), "conv=sparse", "status=none");
        String tools = VirtualBoardTest.run(Duration.ofSeconds(60), "debugfs", "-R", "ls -p /usr/lib/xen-4.17/bin",
                rootA.toString());
        for (String tool : List.of("/xl/", "/oxenstored/", "/xen-init-dom0/", "/xenconsoled/")) {
            assertTrue(tools.contains(tool), tool + " in the root file system: " + tools);
        }

        board = new ProcessBuilder(ROOT.resolve("firmware/bin/boot-board").toString(), "--board", BOARD, "--hypervisor",
                "xen", "--image", image.toString(), "--disk", tmp.resolve("disk.img").toString(), "--gateway-port",
                Integer.toString(VirtualBoardTest.freePort())).redirectErrorStream(true).start();
        StringBuilder console = new StringBuilder();
        CompletableFuture<Void> healthy = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(board.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (console) {
                        console.append(line).append('\n');
                    }
                    if (line.contains("Updater: health check PASSED on slot A")) {
                        healthy.complete(null);
                    }
                }
                healthy.completeExceptionally(new AssertionError("the board stopped"));
            } catch (IOException e) {
                healthy.completeExceptionally(e);
            }
        }, "xen-board-console");
        reader.setDaemon(true);
        reader.start();
        try {
            healthy.get(420, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            throw new AssertionError("slot A not marked good under Xen within 420 s; console:\n" + tail(console), e);
        }
        String text;
        synchronized (console) {
            text = console.toString();
        }
        assertTrue(text.contains("(XEN) Xen version 4.17"), "Xen 4.17 started:\n" + tail(console));
        assertTrue(text.contains("(XEN) *** LOADING DOMAIN 0 ***"), "Xen loaded dom0:\n" + tail(console));
        assertTrue(text.matches("(?s).*hearth-init: xen: dom0 ready: 4\\.17\\.\\d+ .*"),
                "the Xen store runs in dom0 and xl reads the hypervisor's version:\n" + tail(console));
        assertTrue(!text.contains("did not start") && !text.contains("xen-init-dom0 failed"),
                "every Xen daemon started:\n" + tail(console));
    }

    private static String tail(StringBuilder console) {
        synchronized (console) {
            return console.substring(Math.max(0, console.length() - 6000));
        }
    }
}
