package dev.hearth.ota.userland;

import dev.hearth.ota.Bundles;
import dev.hearth.ota.CertificateAuthority;
import dev.hearth.ota.Keyring;
import dev.hearth.ota.ManifestSigner;
import dev.hearth.ota.UpdateBundleReader;
import dev.hearth.ota.UpdateBundleWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import dev.hearth.ota.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Sets of jars, tarred by the real tar, in signed update bundles, for the userland tests. */
final class UserlandSets {

    static final String BOARD = "test-board";

    private final Path dir;
    private final CertificateAuthority ca = CertificateAuthority.root("Userland Test CA");
    private final SigningKey signer = ca.signer("Userland Test Signer");

    UserlandSets(Path dir) {
        this.dir = dir;
    }

    Keyring keyring() {
        return ca.keyring();
    }

    /** Jar names and contents (random bytes: the store does not look inside). */
    static Map<String, byte[]> jars(long seed, String... names) {
        Random random = new Random(seed);
        Map<String, byte[]> jars = new LinkedHashMap<>();
        for (String n : names) {
            byte[] b = new byte[5000 + random.nextInt(20000)];
            random.nextBytes(b);
            jars.put(n, b);
        }
        return jars;
    }

    /** {@code tar -C <folder> -cf <file> .} of a folder holding {@code jars}. */
    Path tar(String name, Map<String, byte[]> jars) throws IOException, InterruptedException {
        Path folder = Files.createDirectories(dir.resolve(name + "-jars"));
        for (Map.Entry<String, byte[]> e : jars.entrySet()) {
            Files.write(folder.resolve(e.getKey()), e.getValue());
        }
        Path tar = dir.resolve(name + ".tar");
        run(List.of("tar", "-C", folder.toString(), "-cf", tar.toString(), "."));
        return tar;
    }

    /** A signed update bundle with one userland payload. */
    byte[] bundle(String version, long counter, byte[] tar) throws IOException {
        return new Bundles(Files.createDirectories(dir.resolve("b-" + version + "-" + System.nanoTime())))
                .version(version, counter).payload("userland", UserlandInstaller.SLOT_CLASS, tar)
                .signed(signer, Instant.now());
    }

    /** An unsigned bundle (as {@code hearth ota create} writes it) signed as {@code hearth ota sign} does. */
    byte[] sign(byte[] unsigned) throws IOException {
        byte[] manifest;
        try (UpdateBundleReader r = new UpdateBundleReader(new ByteArrayInputStream(unsigned))) {
            manifest = r.manifestBytes();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        UpdateBundleWriter.resign(new ByteArrayInputStream(unsigned), out, ManifestSigner.sign(manifest, signer, Instant.now()));
        return out.toByteArray();
    }

    /** The bundle as a file, for an update source. */
    Path bundleFile(String version, long counter, byte[] tar) throws IOException {
        Path f = dir.resolve("userland-" + version + "-" + System.nanoTime() + ".hup");
        Files.write(f, bundle(version, counter, tar));
        return f;
    }

    static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(command + " failed: " + output);
        }
    }
}
