package dev.hearth.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Two builds of the qemu-virt-arm64 image from the same inputs (download cache, distribution,
 * signing keys, SOURCE_DATE_EPOCH) into different folders give byte-identical images, raw and
 * compressed. Minutes: only with {@code -Dhearth.firmware.boot=true}.
 */
@EnabledIfSystemProperty(named = "hearth.firmware.boot", matches = "true")
class ReproducibleImageTest {

    private static final String BOARD = "qemu-virt-arm64";
    private static final String VERSION = "0.0.0-reproducible";
    private static final String EPOCH = "1767225600";
    private static final Path OUT = VirtualBoardTest.OUT.resolveSibling("firmware-reproducible");

    @Test
    void twoBuildsFromTheSameInputsAreByteIdentical() throws Exception {
        Path keys = OUT.resolve("keys");
        List<String> first = build("first", keys);
        List<String> second = build("second", keys);
        assertEquals(first, second, "SHA-256 of the .img and .img.zst of two builds with SOURCE_DATE_EPOCH=" + EPOCH);
    }

    /** Builds into {@code OUT/name}; the development keys in {@code keys} are made by the first build. */
    private static List<String> build(String name, Path keys) throws Exception {
        Path out = OUT.resolve(name);
        Files.createDirectories(out);
        ProcessBuilder pb = new ProcessBuilder(VirtualBoardTest.ROOT.resolve("firmware/bin/build-image").toString(),
                "--board", BOARD, "--version", VERSION, "--output", out.toString()).redirectErrorStream(true)
                .redirectOutput(OUT.resolve(name + ".log").toFile());
        pb.environment().put("SOURCE_DATE_EPOCH", EPOCH);
        pb.environment().put("HEARTH_CACHE", VirtualBoardTest.OUT.resolve("cache").toString());
        pb.environment().put("HEARTH_SIGNING_DIR", keys.toString()); // made by the first build, used by both
        Process p = pb.start();
        assertTrue(p.waitFor(20, TimeUnit.MINUTES), "build " + name + " within 20 min");
        String log = Files.readString(OUT.resolve(name + ".log"));
        assertEquals(0, p.exitValue(), "build " + name + ":\n" + log);
        String image = "hearth-" + BOARD + "-" + VERSION + ".img";
        return List.of(sha256(out.resolve(image)), sha256(out.resolve(image + ".zst")));
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
