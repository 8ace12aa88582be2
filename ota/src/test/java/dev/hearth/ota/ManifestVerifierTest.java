package dev.hearth.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestVerifierTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static CertificateAuthority ca;
    static SigningKey signer;

    @TempDir
    Path dir;

    @BeforeAll
    static void authority() {
        ca = CertificateAuthority.root("Hearth Test Root");
        signer = ca.signer("Hearth Release Signer");
    }

    private Bundles bundles() {
        return new Bundles(dir).payload("rootfs", "rootfs", "root filesystem".repeat(1000).getBytes(StandardCharsets.UTF_8));
    }

    private Verification verify(byte[] bundle, Keyring keyring, UpdatePolicy policy) throws IOException {
        try (UpdateBundleReader r = new UpdateBundleReader(new ByteArrayInputStream(bundle))) {
            return new ManifestVerifier(keyring).verify(r.manifestBytes(), r.signature(), policy);
        }
    }

    private static Refusal refusal(Verification v) {
        return assertInstanceOf(Verification.Refused.class, v, () -> "expected a refusal, got " + v).reason();
    }

    @Test
    void aBundleSignedByAKeyringSignerVerifiesWithItsSigningTime() throws IOException {
        Verification v = verify(bundles().signed(signer, NOW), ca.keyring(), UpdatePolicy.of("test-board", 1));
        Verification.Verified ok = assertInstanceOf(Verification.Verified.class, v, v::toString);
        assertEquals(NOW, ok.signingTime());
        assertEquals("2.0", ok.manifest().version());
        assertEquals(signer.certificate(), ok.signer());
    }

    @Test
    void opensslCmsVerifyAcceptsTheManifestSignature() throws Exception {
        byte[] json = bundles().manifest().toJson();
        Path manifest = Files.write(dir.resolve("manifest.json"), json);
        Path sig = Files.write(dir.resolve("manifest.sig"), ManifestSigner.sign(json, signer, Instant.now()));
        Path caPem = Files.write(dir.resolve("ca.pem"), ca.keyring().toPem());
        assertEquals(0, openssl(sig, manifest, caPem), "openssl cms -verify must accept the signature");
        Path tampered = Files.write(dir.resolve("tampered.json"),
                new String(json, StandardCharsets.UTF_8).replace("\"2.0\"", "\"2.1\"").getBytes(StandardCharsets.UTF_8));
        assertTrue(openssl(sig, tampered, caPem) != 0, "openssl must refuse a changed manifest");
    }

    private int openssl(Path sig, Path content, Path caPem) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                sig.toString(), "-content", content.toString(), "-CAfile", caPem.toString(), "-out", "/dev/null")
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "openssl did not finish");
        return p.exitValue();
    }

    @Test
    void aChangedManifestIsRefusedAsTampered() throws IOException {
        Bundles b = bundles();
        byte[] json = b.manifest().toJson();
        byte[] sig = ManifestSigner.sign(json, signer, NOW);
        byte[] changed = new String(json, StandardCharsets.UTF_8).replace("\"counter\":2", "\"counter\":9")
                .getBytes(StandardCharsets.UTF_8);
        Verification v = verify(b.bytes(changed, sig), ca.keyring(), UpdatePolicy.of("test-board", 1));
        assertEquals(Refusal.TAMPERED, refusal(v));
    }

    @Test
    void aSignerFromAnotherAuthorityIsRefusedAsUnknown() throws IOException {
        SigningKey stranger = CertificateAuthority.root("Someone Else").signer("Mallory");
        Verification v = verify(bundles().signed(stranger, NOW), ca.keyring(), UpdatePolicy.of("test-board", 1));
        assertEquals(Refusal.UNKNOWN_SIGNER, refusal(v));
        assertTrue(v.toString().contains("Mallory"), v.toString());
    }

    @Test
    void aSignatureMadeAfterTheSignerExpiredIsRefused() throws IOException {
        SigningKey old = ca.signer("Old Signer", Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2022-01-01T00:00:00Z"));
        Verification v = verify(bundles().signed(old, Instant.parse("2023-05-01T00:00:00Z")), ca.keyring(),
                UpdatePolicy.of("test-board", 1));
        assertEquals(Refusal.EXPIRED_AT_SIGNING, refusal(v));
        assertTrue(v.toString().contains("Old Signer"), v.toString());
    }

    @Test
    void aSignatureMadeWhileTheSignerWasValidStillVerifiesAfterItExpired() throws IOException {
        SigningKey old = ca.signer("Old Signer", Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2022-01-01T00:00:00Z"));
        Verification v = verify(bundles().signed(old, Instant.parse("2021-06-01T00:00:00Z")), ca.keyring(),
                UpdatePolicy.of("test-board", 1));
        assertInstanceOf(Verification.Verified.class, v, v::toString);
    }

    @Test
    void aRotatedSignerFromTheSameAuthorityVerifiesAndSoDoesOneUnderAnIntermediate() throws IOException {
        SigningKey rotated = ca.signer("Hearth Release Signer 2027");
        assertInstanceOf(Verification.Verified.class, verify(bundles().signed(rotated, NOW), ca.keyring(),
                UpdatePolicy.of("test-board", 1)));
        SigningKey underIntermediate = ca.intermediate("Hearth Release CA").signer("Hearth Release Signer via CA");
        Verification v = verify(bundles().signed(underIntermediate, NOW), ca.keyring(), UpdatePolicy.of("test-board", 1));
        assertInstanceOf(Verification.Verified.class, v, v::toString);
    }

    @Test
    void aBundleForAnotherBoardIsRefused() throws IOException {
        Verification v = verify(bundles().board("other-board").signed(signer, NOW), ca.keyring(),
                UpdatePolicy.of("test-board", 1));
        assertEquals(Refusal.WRONG_BOARD, refusal(v));
        assertTrue(v.toString().contains("other-board"));
    }

    @Test
    void anOlderCounterIsRefusedAsADowngradeUnlessForced() throws IOException {
        byte[] bundle = bundles().version("1.0", 3).signed(signer, NOW);
        assertEquals(Refusal.DOWNGRADE, refusal(verify(bundle, ca.keyring(), UpdatePolicy.of("test-board", 4))));
        assertInstanceOf(Verification.Verified.class, verify(bundle, ca.keyring(), UpdatePolicy.of("test-board", 3)));
        assertInstanceOf(Verification.Verified.class, verify(bundle, ca.keyring(),
                new UpdatePolicy("test-board", 4, true)));
    }

    @Test
    void anUnsignedOrGarbledSignatureIsRefused() throws IOException {
        Bundles b = bundles();
        byte[] json = b.manifest().toJson();
        assertEquals(Refusal.UNSIGNED, refusal(verify(b.bytes(json, new byte[0]), ca.keyring(), UpdatePolicy.of("test-board", 1))));
        byte[] sig = ManifestSigner.sign(json, signer, NOW);
        byte[] garbled = Arrays.copyOf(sig, sig.length / 2);
        assertEquals(Refusal.MALFORMED_SIGNATURE, refusal(verify(b.bytes(json, garbled), ca.keyring(),
                UpdatePolicy.of("test-board", 1))));
    }

    @Test
    void aKeyringRoundTripsThroughPem() {
        Keyring k = Keyring.of(ca.certificate(), CertificateAuthority.root("Next Root").certificate());
        assertEquals(k, Keyring.parse(k.toPem()));
    }
}
