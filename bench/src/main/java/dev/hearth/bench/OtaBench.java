package dev.hearth.bench;

import dev.hearth.ota.CertificateAuthority;
import dev.hearth.ota.FileBlockDevice;
import dev.hearth.ota.Manifest;
import dev.hearth.ota.ManifestSigner;
import dev.hearth.ota.Payload;
import dev.hearth.ota.SigningKey;
import dev.hearth.ota.Slot;
import dev.hearth.ota.UpdateBundleFormat;
import dev.hearth.ota.UpdateBundleWriter;
import dev.hearth.ota.UpdatePolicy;
import dev.hearth.ota.boot.UBootBootloader;
import dev.hearth.ota.boot.UBootEnvironment;
import dev.hearth.ota.install.FileUpdateSource;
import dev.hearth.ota.install.InstallResult;
import dev.hearth.ota.install.Installer;
import dev.hearth.ota.powercut.PowerCutSuite;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Update installs: a streaming install of a 256 MiB payload into a file-backed slot (every block
 * verified, flushed) against {@code dd conv=fsync} of the same payload to the same kind of target
 * in the same run; the bytes an adaptive install writes for a 5 % block change; the power-cut suite.
 */
final class OtaBench {

    private static final int MIB = 1 << 20;
    private static final int PAYLOAD = 256 * MIB;
    private static final int ADAPTIVE = 32 * MIB;
    private static final int ROUNDS = 3;

    private OtaBench() {
    }

    static void run(Report report) throws Exception {
        Path dir = Files.createTempDirectory("hearth-bench-ota");
        try {
            measure(report, dir);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void measure(Report report, Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.root("Bench Root");
        SigningKey signer = ca.signer("Bench Signer");
        byte[] image = randomImage(PAYLOAD, 1);
        Path payload = Files.write(dir.resolve("rootfs.img"), image);
        Path bundle = bundle(dir.resolve("update.hup"), payload, signer);

        Path slotA = sparse(dir.resolve("slot-a.img"), PAYLOAD);
        Path slotB = dir.resolve("slot-b.img");
        Path env1 = Files.write(dir.resolve("uboot.env"), new byte[UBootEnvironment.DEFAULT_SIZE]);
        Path env2 = Files.write(dir.resolve("uboot-redund.env"), new byte[UBootEnvironment.DEFAULT_SIZE]);
        UBootBootloader bootloader = new UBootBootloader(new UBootEnvironment(List.of(new UBootEnvironment.Copy(env1, 0),
                new UBootEnvironment.Copy(env2, 0)), UBootEnvironment.DEFAULT_SIZE, FileBlockDevice::open), List.of("A", "B"));
        Installer installer = new Installer(ca.keyring(), List.of(new Slot("rootfs.0", "rootfs", slotA, "A"),
                new Slot("rootfs.1", "rootfs", slotB, "B")), bootloader, FileBlockDevice::open, Installer.Settings.defaults());

        Samples ours = new Samples();
        Samples dd = new Samples();
        for (int round = 0; round < ROUNDS; round++) {
            Path ddTarget = sparse(dir.resolve("dd-target.img"), PAYLOAD);
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder("dd", "if=" + payload, "of=" + ddTarget, "bs=1M", "conv=fsync,notrunc")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("dd.log").toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("dd failed: " + Files.readString(dir.resolve("dd.log")));
            }
            dd.add(System.nanoTime() - t0);
            Files.delete(ddTarget);

            sparse(slotB, PAYLOAD);
            long t1 = System.nanoTime();
            InstallResult r = installer.install(new FileUpdateSource(bundle), UpdatePolicy.of("bench-board", 0), "A");
            ours.add(System.nanoTime() - t1);
            if (!(r instanceof InstallResult.Installed ok) || ok.bytesWritten() != PAYLOAD) {
                throw new IllegalStateException("bench install did not write the whole payload: " + r);
            }
        }
        double oursMib = PAYLOAD / (double) MIB / (ours.percentile(50) / 1e9);
        double ddMib = PAYLOAD / (double) MIB / (dd.percentile(50) / 1e9);
        report.add("ota.install.mib_per_s", oursMib, "MiB/s", "", "256 MiB payload, streamed, every block verified, fsync");
        report.add("ota.dd.mib_per_s", ddMib, "MiB/s", "", "dd bs=1M conv=fsync, same payload, same kind of target");
        report.add("ota.install.ratio", oursMib / ddMib, "x", ">= 0.8", "install / dd, medians of " + ROUNDS);
        System.out.printf(Locale.ROOT, "  install %.0f MiB/s, dd %.0f MiB/s%n", oursMib, ddMib);
        Files.delete(bundle);
        Files.delete(payload);

        report.add("ota.adaptive.written_fraction", adaptive(dir, installer, slotB, signer), "", "<= 0.1",
                "32 MiB image, 5 % of its 4 KiB blocks changed");

        PowerCutSuite.Outcome cuts = new PowerCutSuite(256 * 1024, 4096).run(1000, System.nanoTime());
        report.add("ota.powercut.trials", cuts.trials(), "", ">= 1000", "random cuts: install, switch, first boot, mark good");
        report.add("ota.powercut.unbootable", cuts.unbootable(), "", "0", "boots that picked no complete image");
    }

    private static double adaptive(Path dir, Installer installer, Path slotB, SigningKey signer) throws Exception {
        byte[] old = randomImage(ADAPTIVE, 2);
        Files.write(slotB, old);
        byte[] changed = old.clone();
        SplittableRandom random = new SplittableRandom(3);
        int blocks = ADAPTIVE / UpdateBundleFormat.DEFAULT_BLOCK_SIZE;
        int changedBlocks = 0;
        for (int b = 0; b < blocks; b++) {
            if (random.nextInt(20) == 0) {
                changed[b * UpdateBundleFormat.DEFAULT_BLOCK_SIZE + random.nextInt(UpdateBundleFormat.DEFAULT_BLOCK_SIZE)] ^= 0x55;
                changedBlocks++;
            }
        }
        Path payload = Files.write(dir.resolve("rootfs-2.img"), changed);
        Path bundle = bundle(dir.resolve("update-2.hup"), payload, signer);
        InstallResult r = installer.install(new FileUpdateSource(bundle), UpdatePolicy.of("bench-board", 0), "A");
        if (!(r instanceof InstallResult.Installed ok)) {
            throw new IllegalStateException("adaptive bench install failed: " + r);
        }
        System.out.printf(Locale.ROOT, "  adaptive: %d of %d blocks changed, %d bytes written%n", changedBlocks, blocks,
                ok.bytesWritten());
        return ok.writtenFraction();
    }

    private static Path bundle(Path file, Path payload, SigningKey signer) throws IOException {
        Payload p = UpdateBundleWriter.describe("rootfs", "rootfs", payload, UpdateBundleFormat.DEFAULT_BLOCK_SIZE);
        byte[] json = Manifest.of("bench-board", "1.0", 1, List.of(p)).toJson();
        try (OutputStream out = Files.newOutputStream(file)) {
            UpdateBundleWriter.write(out, json, ManifestSigner.sign(json, signer, Instant.now()), List.of(payload));
        }
        return file;
    }

    private static byte[] randomImage(int size, long seed) {
        byte[] b = new byte[size];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < size; i += 8) {
            long v = r.nextLong();
            for (int k = 0; k < 8; k++) {
                b[i + k] = (byte) (v >>> (8 * k));
            }
        }
        return b;
    }

    /** A fresh file of {@code size} zero bytes that takes no space until written, as a slot to write into. */
    private static Path sparse(Path file, long size) throws IOException {
        Files.deleteIfExists(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
        return file;
    }
}
