package dev.hearth.ota.install;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.ota.Bundles;
import dev.hearth.ota.CertificateAuthority;
import dev.hearth.ota.FileBlockDevice;
import dev.hearth.ota.FileBoard;
import dev.hearth.ota.Keyring;
import dev.hearth.ota.Payload;
import dev.hearth.ota.Refusal;
import dev.hearth.ota.SigningKey;
import dev.hearth.ota.UpdatePolicy;
import dev.hearth.ota.boot.BootSelection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallerTest {

    static final int SLOT = 256 * 1024;
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static CertificateAuthority ca;
    static SigningKey signer;

    @TempDir
    Path dir;
    FileBoard board;
    Installer installer;
    byte[] oldA;

    @BeforeAll
    static void authority() {
        ca = CertificateAuthority.root("Hearth Test Root");
        signer = ca.signer("Hearth Release Signer");
    }

    @BeforeEach
    void board() throws IOException {
        board = new FileBoard(dir, SLOT);
        oldA = random(SLOT, 99);
        Files.write(board.slotA, oldA);
        installer = new Installer(ca.keyring(), board.slots, board.bootloader, FileBlockDevice::open,
                new Installer.Settings(64 * 1024, Optional.of(board.keyringFile)));
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Path bundleFile(byte[] bundle) throws IOException {
        return Files.write(dir.resolve("update-" + System.nanoTime() + ".hup"), bundle);
    }

    private InstallResult install(byte[] bundle) throws IOException {
        return installer.install(new FileUpdateSource(bundleFile(bundle)), UpdatePolicy.of("test-board", 1), "A");
    }

    private void assertSlotAUntouched() throws IOException {
        assertArrayEquals(oldA, Files.readAllBytes(board.slotA), "the running slot must not be touched");
    }

    @Test
    void anUpdateIsWrittenIntoTheInactiveSlotWhichIsTriedNextWithTheOldOneBehindIt() throws IOException {
        byte[] image = random(200_000, 1);
        InstallResult r = install(new Bundles(dir).payload("rootfs", "rootfs", image).signed(signer, NOW));
        InstallResult.Installed ok = assertInstanceOf(InstallResult.Installed.class, r, r::toString);
        assertEquals("B", ok.bootName());
        assertArrayEquals(image, Arrays.copyOf(Files.readAllBytes(board.slotB), image.length));
        assertEquals(List.of("B", "A"), board.bootloader.selection().order());
        assertEquals(BootSelection.ATTEMPTS, board.bootloader.selection().attemptsLeft("B"));
        assertSlotAUntouched();
        assertEquals(InstallerState.IDLE, installer.state());
    }

    @Test
    void blocksThatAlreadyHoldTheRightContentAreNotWrittenAgain() throws IOException {
        byte[] image = random(SLOT, 1);
        Files.write(board.slotB, image);
        byte[] changed = image.clone();
        Random random = new Random(5);
        int blocks = SLOT / 4096;
        int changedBlocks = blocks / 20;
        for (int i = 0; i < changedBlocks; i++) {
            changed[(i * 20 + random.nextInt(20)) * 4096 + random.nextInt(4096)] ^= 0x5a;
        }
        InstallResult r = install(new Bundles(dir).payload("rootfs", "rootfs", changed).signed(signer, NOW));
        InstallResult.Installed ok = assertInstanceOf(InstallResult.Installed.class, r, r::toString);
        assertEquals(changedBlocks * 4096L, ok.bytesWritten());
        assertEquals(SLOT - changedBlocks * 4096L, ok.bytesSkipped());
        assertArrayEquals(changed, Files.readAllBytes(board.slotB));

        InstallResult again = install(new Bundles(dir).payload("rootfs", "rootfs", changed).signed(signer, NOW));
        assertEquals(0, assertInstanceOf(InstallResult.Installed.class, again).bytesWritten());
    }

    @Test
    void aFlippedPayloadByteStopsTheInstallAndLeavesTheTargetMarkedBad() throws IOException {
        byte[] image = random(200_000, 1);
        byte[] bundle = new Bundles(dir).payload("rootfs", "rootfs", image).signed(signer, NOW);
        bundle[bundle.length - 150_000] ^= 1;
        InstallResult r = install(bundle);
        InstallResult.Failed failed = assertInstanceOf(InstallResult.Failed.class, r, r::toString);
        assertTrue(failed.detail().contains("does not match the manifest"), failed.detail());
        BootSelection s = board.bootloader.selection();
        assertEquals(List.of("A"), s.order());
        assertEquals(0, s.attemptsLeft("B"));
        assertSlotAUntouched();
    }

    @Test
    void aTruncatedBundleStopsTheInstallAndLeavesTheTargetMarkedBad() throws IOException {
        byte[] bundle = new Bundles(dir).payload("rootfs", "rootfs", random(200_000, 1)).signed(signer, NOW);
        InstallResult r = install(Arrays.copyOf(bundle, bundle.length - 1000));
        InstallResult.Failed failed = assertInstanceOf(InstallResult.Failed.class, r, r::toString);
        assertTrue(failed.detail().contains("truncated"), failed.detail());
        assertEquals(List.of("A"), board.bootloader.selection().order());
        assertSlotAUntouched();
    }

    @Test
    void aRefusedBundleWritesNothingAnywhere() throws IOException {
        byte[] envBefore1 = Files.readAllBytes(board.env1);
        byte[] envBefore2 = Files.readAllBytes(board.env2);
        byte[] slotBefore = Files.readAllBytes(board.slotB);
        SigningKey stranger = CertificateAuthority.root("Elsewhere").signer("Mallory");
        SigningKey expired = ca.signer("Old", Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2022-01-01T00:00:00Z"));
        record Case(byte[] bundle, Refusal reason) { }
        List<Case> cases = List.of(
                new Case(new Bundles(dir).payload("rootfs", "rootfs", random(5000, 1)).signed(stranger, NOW), Refusal.UNKNOWN_SIGNER),
                new Case(new Bundles(dir).payload("rootfs", "rootfs", random(5000, 1)).signed(expired, NOW), Refusal.EXPIRED_AT_SIGNING),
                new Case(new Bundles(dir).board("other").payload("rootfs", "rootfs", random(5000, 1)).signed(signer, NOW), Refusal.WRONG_BOARD),
                new Case(new Bundles(dir).version("0.9", 0).payload("rootfs", "rootfs", random(5000, 1)).signed(signer, NOW), Refusal.DOWNGRADE),
                new Case(new Bundles(dir).payload("rootfs", "rootfs", random(SLOT + 1, 1)).signed(signer, NOW), Refusal.NO_SLOT),
                new Case(new Bundles(dir).payload("dtb", "devicetree", random(50, 1)).signed(signer, NOW), Refusal.NO_SLOT),
                new Case("garbage".getBytes(java.nio.charset.StandardCharsets.US_ASCII), Refusal.MALFORMED_BUNDLE));
        for (Case c : cases) {
            InstallResult r = install(c.bundle());
            assertEquals(c.reason(), assertInstanceOf(InstallResult.Refused.class, r, r::toString).reason(), r.toString());
        }
        assertArrayEquals(envBefore1, Files.readAllBytes(board.env1));
        assertArrayEquals(envBefore2, Files.readAllBytes(board.env2));
        assertArrayEquals(slotBefore, Files.readAllBytes(board.slotB));
        assertSlotAUntouched();
    }

    @Test
    void aBundleCanCarryANewKeyringThatReplacesTheTrustedOne() throws IOException {
        CertificateAuthority next = CertificateAuthority.root("Hearth Root 2030");
        Keyring both = Keyring.of(ca.certificate(), next.certificate());
        byte[] bundle = new Bundles(dir).payload("rootfs", "rootfs", random(10_000, 1))
                .payload("keyring", Payload.KEYRING, both.toPem()).signed(signer, NOW);
        InstallResult r = install(bundle);
        assertInstanceOf(InstallResult.Installed.class, r, r::toString);
        assertEquals(both, Keyring.fromPem(board.keyringFile));
    }
}
