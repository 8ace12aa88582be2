package dev.hearth.ota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI end to end, with a CA and signer made by the real openssl CLI. */
class OtaCommandTest {

    @TempDir
    Path dir;
    String out;

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + ": " + read("openssl.log"));
    }

    private String read(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private int ota(String... args) {
        CommandLine cl = OtaCommand.commandLine();
        StringWriter text = new StringWriter();
        cl.setOut(new PrintWriter(text));
        cl.setErr(new PrintWriter(text));
        int status = cl.execute(args);
        out = text.toString();
        return status;
    }

    private String path(String name) {
        return dir.resolve(name).toString();
    }

    @BeforeEach
    void keys() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key",
                "-out", "ca.pem", "-subj", "/CN=Hearth CLI Root", "-days", "3650");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "signer.key",
                "-out", "signer.csr", "-subj", "/CN=Hearth CLI Signer");
        openssl("x509", "-req", "-in", "signer.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "signer.pem", "-days", "365");
        byte[] image = new byte[100_000];
        new Random(1).nextBytes(image);
        Files.write(dir.resolve("rootfs.img"), image);
        Files.writeString(dir.resolve("boot.img"), "kernel and friends");
    }

    @Test
    void createSignVerifyAndInfoWorkTogetherWithOpensslKeys() throws Exception {
        assertEquals(0, ota("create", "--board", "rpi4", "--version", "1.2.0", "--counter", "7", "--payload",
                "rootfs:rootfs:" + path("rootfs.img"), "--payload", "boot:boot:" + path("boot.img"), "-o", path("u.hup")), out);
        assertEquals(1, ota("verify", "--keyring", path("ca.pem"), path("u.hup")));
        assertTrue(out.contains("UNSIGNED"), out);

        assertEquals(0, ota("sign", "--key", path("signer.key"), "--cert", path("signer.pem"), path("u.hup")), out);
        assertEquals(0, ota("verify", "--keyring", path("ca.pem"), "--board", "rpi4", "--installed-counter", "7",
                path("u.hup")), out);
        assertTrue(out.contains("verified: manifest rpi4 1.2.0") && out.contains("Hearth CLI Signer"), out);

        assertEquals(0, ota("info", path("u.hup")), out);
        assertTrue(out.contains("counter:   7") && out.contains("rootfs") && out.contains("25 blocks of 4096"), out);

        assertEquals(1, ota("verify", "--keyring", path("ca.pem"), "--board", "rpi5", path("u.hup")));
        assertTrue(out.contains("WRONG_BOARD"), out);
        assertEquals(1, ota("verify", "--keyring", path("ca.pem"), "--board", "rpi4", "--installed-counter", "8",
                path("u.hup")));
        assertTrue(out.contains("DOWNGRADE"), out);
    }

    @Test
    void verifyFindsAFlippedPayloadByteAndATruncatedBundle() throws Exception {
        ota("create", "--board", "rpi4", "--version", "1", "--counter", "1", "--payload",
                "rootfs:rootfs:" + path("rootfs.img"), "-o", path("u.hup"));
        ota("sign", "--key", path("signer.key"), "--cert", path("signer.pem"), path("u.hup"));
        byte[] bundle = Files.readAllBytes(dir.resolve("u.hup"));
        byte[] flipped = bundle.clone();
        flipped[flipped.length - 5000] ^= 1;
        Files.write(dir.resolve("flipped.hup"), flipped);
        assertEquals(1, ota("verify", "--keyring", path("ca.pem"), path("flipped.hup")));
        assertTrue(out.contains("block 23 does not match"), out);
        Files.write(dir.resolve("short.hup"), java.util.Arrays.copyOf(bundle, bundle.length - 10));
        assertEquals(1, ota("verify", "--keyring", path("ca.pem"), path("short.hup")));
        assertTrue(out.contains("truncated"), out);
    }
}
