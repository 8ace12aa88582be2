package dev.hearth.ota;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateBundleTest {

    @TempDir
    java.nio.file.Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aBundleReadsBackStartToEndWithTheManifestAndEveryPayloadInOrder() throws IOException {
        byte[] rootfs = random(3 * 4096 + 17, 1);
        byte[] boot = random(5000, 2);
        Bundles b = new Bundles(dir).payload("rootfs", "rootfs", rootfs).payload("boot", "boot", boot);
        byte[] json = b.manifest().toJson();
        byte[] bundle = b.bytes(json, new byte[] {1, 2, 3});

        try (UpdateBundleReader r = new UpdateBundleReader(new ByteArrayInputStream(bundle))) {
            assertArrayEquals(json, r.manifestBytes());
            assertArrayEquals(new byte[] {1, 2, 3}, r.signature());
            Manifest m = Manifest.parse(r.manifestBytes());
            assertEquals(4, m.payloads().get(0).blockCount());
            assertArrayEquals(rootfs, r.payload(m.payloads(), m.payloads().get(0)).readAllBytes());
            assertArrayEquals(boot, r.payload(m.payloads(), m.payloads().get(1)).readAllBytes());
        }
    }

    @Test
    void aPayloadThatIsNotNextInManifestOrderIsRefused() throws IOException {
        Bundles b = new Bundles(dir).payload("rootfs", "rootfs", random(10, 1)).payload("boot", "boot", random(10, 2));
        Manifest m = b.manifest();
        try (UpdateBundleReader r = new UpdateBundleReader(new ByteArrayInputStream(b.bytes(m.toJson(), new byte[0])))) {
            assertThrows(IllegalStateException.class, () -> r.payload(m.payloads(), m.payloads().get(1)));
        }
    }

    @Test
    void aTruncatedBundleFailsNamingThePayloadAndOffset() throws IOException {
        Bundles b = new Bundles(dir).payload("rootfs", "rootfs", random(9000, 1));
        Manifest m = b.manifest();
        byte[] bundle = b.bytes(m.toJson(), new byte[0]);
        byte[] cut = Arrays.copyOf(bundle, bundle.length - 100);
        try (UpdateBundleReader r = new UpdateBundleReader(new ByteArrayInputStream(cut))) {
            InputStream in = r.payload(m.payloads(), m.payloads().get(0));
            EOFException e = assertThrows(EOFException.class, in::readAllBytes);
            assertTrue(e.getMessage().contains("payload 'rootfs' at byte 8900 of 9000"), e.getMessage());
        }
        EOFException header = assertThrows(EOFException.class,
                () -> new UpdateBundleReader(new ByteArrayInputStream(Arrays.copyOf(bundle, 30))));
        assertTrue(header.getMessage().contains("truncated in the manifest"), header.getMessage());
    }

    @Test
    void aFileThatIsNotABundleIsRefusedByItsMagic() {
        IOException e = assertThrows(IOException.class, () -> new UpdateBundleReader(
                new ByteArrayInputStream("#!/bin/sh\necho not a bundle\n".getBytes(StandardCharsets.US_ASCII))));
        assertTrue(e.getMessage().contains("bad magic"));
    }

    @Test
    void theManifestRefusesUnknownKeysAndInconsistentBlockHashes() throws IOException {
        Manifest m = new Bundles(dir).payload("rootfs", "rootfs", random(8192, 1)).manifest();
        String json = new String(m.toJson(), StandardCharsets.UTF_8);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Manifest.parse(json.replace("{\"format\"", "{\"extra\":1,\"format\"").getBytes(StandardCharsets.UTF_8)));
        assertTrue(unknown.getMessage().contains("extra"), unknown.getMessage());
        IllegalArgumentException blocks = assertThrows(IllegalArgumentException.class,
                () -> Manifest.parse(json.replace("\"size\":8192", "\"size\":12288").getBytes(StandardCharsets.UTF_8)));
        assertTrue(blocks.getMessage().contains("2 block hashes for 3 blocks"), blocks.getMessage());
    }

    @Test
    void describingAPayloadHashesEveryBlockAndTheWhole() throws IOException {
        byte[] content = random(4096 + 1, 7);
        Payload p = new Bundles(dir).payload("x", "rootfs", content).manifest().payloads().get(0);
        byte[] hashes = p.blockHashBytes();
        var d = Sha256.newDigest();
        d.update(content, 0, 4096);
        assertArrayEquals(d.digest(), Arrays.copyOfRange(hashes, 0, 32));
        d.update(content, 4096, 1);
        assertArrayEquals(d.digest(), Arrays.copyOfRange(hashes, 32, 64));
        assertArrayEquals(Sha256.newDigest().digest(content), p.sha256Bytes());
    }
}
