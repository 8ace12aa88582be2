package dev.hearth.rig.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.ota.CertificateAuthority;
import dev.hearth.ota.Keyring;
import dev.hearth.ota.Manifest;
import dev.hearth.ota.ManifestVerifier;
import dev.hearth.ota.Payload;
import dev.hearth.ota.UpdateBundleReader;
import dev.hearth.ota.Verification;
import dev.hearth.rig.HostCommand;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's image handling on a small disk image laid out like a Hearth image (boot FAT, root A,
 * root B, data), made here with the same host tools the firmware build uses.
 */
class FirmwareImageTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    private Path disk;

    @BeforeEach
    void makeDisk() throws Exception {
        disk = tmp.resolve("disk.img");
        run("truncate", "-s", "48M", disk.toString());
        Path table = tmp.resolve("table");
        Files.writeString(table, "label: dos\nstart=2048, size=8M, type=c\nsize=16M, type=83\nsize=16M, type=83\ntype=83\n");
        run("sh", "-c", "sfdisk -q " + disk + " < " + table);

        Path boot = tmp.resolve("boot.vfat");
        run("mkfs.vfat", "-C", boot.toString(), "8192");
        Path rootDir = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(rootDir.resolve("etc/hearth"));
        Files.createDirectories(rootDir.resolve("sbin"));
        Files.writeString(rootDir.resolve("etc/hearth/version"), "1.0\n");
        Files.writeString(rootDir.resolve("sbin/init"), "#!/bin/sh\n");
        Path root = tmp.resolve("root.ext4");
        // As the firmware build makes it: the file system is smaller than its 16 MiB partition.
        run("mke2fs", "-q", "-t", "ext4", "-d", rootDir.toString(), root.toString(), "12M");
        run("dd", "if=" + boot, "of=" + disk, "bs=1M", "seek=1", "conv=notrunc", "status=none");
        run("dd", "if=" + root, "of=" + disk, "bs=1M", "seek=9", "conv=notrunc", "status=none");
    }

    @Test
    void thePartitionTableGivesTheFourPartitionsInBytes() {
        FirmwareImage image = FirmwareImage.open(disk);
        assertEquals(new FirmwareImage.Partition(1, 1 << 20, 8 << 20), image.boot());
        assertEquals(new FirmwareImage.Partition(2, 9 << 20, 16 << 20), image.rootA());
        assertEquals(4, image.data().number());
    }

    @Test
    void aMissingImageOrOneWithoutFourPartitionsIsRefusedNamingIt() throws Exception {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> FirmwareImage.open(tmp.resolve("nothing.img")));
        assertTrue(missing.getMessage().contains("./hearth firmware build"), missing.getMessage());
        Path two = tmp.resolve("two.img");
        run("truncate", "-s", "8M", two.toString());
        Path table = tmp.resolve("two");
        Files.writeString(table, "label: dos\nsize=2M, type=c\ntype=83\n");
        run("sh", "-c", "sfdisk -q " + two + " < " + table);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FirmwareImage.open(two));
        assertTrue(e.getMessage().contains("2 partitions"), e.getMessage());
    }

    @Test
    void aProvisionedCopyCarriesTheDeviceConfigurationOnItsBootPartitionAndLeavesTheImageAlone() throws Exception {
        String before = sha256(disk);
        FirmwareImage copy = FirmwareImage.open(disk).provision(tmp.resolve("flash.img"),
                Map.of("dev.hearth.agent.cfg", "brokerUrl=tcp://10.0.2.2:1883\n"));
        String config = run("mtype", "-i", copy.file() + "@@" + copy.boot().offset(), "::/hearth-config/dev.hearth.agent.cfg");
        assertEquals("brokerUrl=tcp://10.0.2.2:1883\n", config);
        assertEquals(before, sha256(disk), "the image itself is untouched");
    }

    @Test
    void rootAIsEditedIntoANewFirmwareAndSignedIntoABundleTheKeyringTrusts() throws Exception {
        Path rootA = FirmwareImage.open(disk).extractRootA(tmp.resolve("root-a.ext4"));
        assertEquals(12 << 20, Files.size(rootA), "root A's file system, not its whole partition");
        assertEquals("1.0\n", FirmwareImage.readFile(rootA, "/etc/hearth/version"));

        Path edited = RootFileSystem.copyOf(rootA, tmp.resolve("next.ext4")).write("/etc/hearth/version", "2.0\n")
                .remove("/sbin/init").apply();
        assertEquals("2.0\n", FirmwareImage.readFile(edited, "/etc/hearth/version"));
        assertThrows(IllegalStateException.class, () -> FirmwareImage.readFile(edited, "/sbin/init"));
        assertEquals("1.0\n", FirmwareImage.readFile(rootA, "/etc/hearth/version"), "the copy was edited, not root A");

        CertificateAuthority ca = CertificateAuthority.root("rig test CA");
        Payload reference = Payload.of("rootfs", "rootfs", 4096, new byte[32], 4096, new byte[32]);
        UpdateBundles bundles = new UpdateBundles(ca.signer("rig test signer"), Manifest.of("test-board", "1.0", 7, List.of(reference)));
        Path bundle = bundles.make(edited, "2.0", 8, tmp.resolve("next.hup"));
        try (UpdateBundleReader reader = new UpdateBundleReader(Files.newInputStream(bundle))) {
            Verification v = new ManifestVerifier(Keyring.of(ca.certificate())).verifySignature(reader.manifestBytes(), reader.signature());
            Manifest m = assertInstanceOf(Verification.Verified.class, v).manifest();
            assertEquals(List.of("test-board", "2.0", 8L), List.of(m.compatible(), m.version(), m.counter()));
            assertEquals(sha256(edited), m.payloads().get(0).sha256(), "the payload is the edited slot");
        }
    }

    @Test
    void anEditOfARelativePathIsRefused() throws Exception {
        Path rootA = FirmwareImage.open(disk).extractRootA(tmp.resolve("root-a.ext4"));
        RootFileSystem fs = RootFileSystem.copyOf(rootA, tmp.resolve("copy.ext4"));
        assertThrows(IllegalArgumentException.class, () -> fs.remove("etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> fs.write("/etc/with space", "x"));
    }

    @Test
    void aRootPartitionWithoutAFileSystemIsRefusedSayingSo() {
        run("dd", "if=/dev/zero", "of=" + disk, "bs=1M", "seek=9", "count=16", "conv=notrunc", "status=none");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> FirmwareImage.open(disk).extractRootA(tmp.resolve("root-a.ext4")));
        assertTrue(e.getMessage().contains("no ext4 superblock"), e.getMessage());
    }

    private static String run(String... argv) {
        return HostCommand.of(argv).run("test set-up", LIMIT);
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0; ) {
                d.update(b, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
