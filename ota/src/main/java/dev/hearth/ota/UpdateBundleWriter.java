package dev.hearth.ota;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

/** Describes payload files and writes update bundles in the {@link UpdateBundleFormat} layout. */
public final class UpdateBundleWriter {

    private UpdateBundleWriter() {
    }

    /** Reads {@code file} once and describes it: size, SHA-256 and one SHA-256 per block. */
    public static Payload describe(String name, String slotClass, Path file, int blockSize) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return describe(name, slotClass, in, Files.size(file), blockSize);
        }
    }

    /** Describes {@code size} bytes read from {@code in}. */
    public static Payload describe(String name, String slotClass, InputStream in, long size, int blockSize)
            throws IOException {
        long blocks = Payload.blockCount(size, blockSize);
        if (blocks * 32 > UpdateBundleFormat.MAX_MANIFEST / 2) {
            throw new IllegalArgumentException("payload '" + name + "': " + blocks + " blocks of " + blockSize
                    + " bytes make the manifest too large; use a larger block size");
        }
        byte[] hashes = new byte[(int) (blocks * 32)];
        MessageDigest whole = Sha256.newDigest();
        MessageDigest block = Sha256.newDigest();
        byte[] buffer = new byte[blockSize];
        for (int i = 0; i < blocks; i++) {
            int want = (int) Math.min(blockSize, size - (long) i * blockSize);
            int n = in.readNBytes(buffer, 0, want);
            if (n != want) {
                throw new IOException("payload '" + name + "': ended at block " + i + " of " + blocks);
            }
            whole.update(buffer, 0, n);
            block.update(buffer, 0, n);
            Sha256.digestInto(block, hashes, i * 32);
        }
        return Payload.of(name, slotClass, size, whole.digest(), blockSize, hashes);
    }

    /**
     * Writes a bundle: header, manifest bytes, signature (empty for an unsigned bundle), then the
     * payload files in manifest order. Each file must still have the size the manifest states.
     */
    public static void write(OutputStream out, byte[] manifestJson, byte[] signature, List<Path> payloadFiles)
            throws IOException {
        Manifest manifest = Manifest.parse(manifestJson);
        if (payloadFiles.size() != manifest.payloads().size()) {
            throw new IllegalArgumentException("update bundle: " + payloadFiles.size() + " files for "
                    + manifest.payloads().size() + " payloads");
        }
        DataOutputStream data = writeHeader(out, manifestJson, signature);
        for (int i = 0; i < payloadFiles.size(); i++) {
            Payload p = manifest.payloads().get(i);
            Path file = payloadFiles.get(i);
            long copied;
            try (InputStream in = Files.newInputStream(file)) {
                copied = in.transferTo(data);
            }
            if (copied != p.size()) {
                throw new IOException("update bundle: payload '" + p.name() + "' from " + file + " has " + copied
                        + " bytes, the manifest says " + p.size());
            }
        }
        data.flush();
    }

    /** Writes a bundle whose payloads are in memory, in manifest order. */
    public static void writeContents(OutputStream out, byte[] manifestJson, byte[] signature, List<byte[]> payloads)
            throws IOException {
        Manifest manifest = Manifest.parse(manifestJson);
        DataOutputStream data = writeHeader(out, manifestJson, signature);
        for (int i = 0; i < payloads.size(); i++) {
            if (payloads.get(i).length != manifest.payloads().get(i).size()) {
                throw new IllegalArgumentException("update bundle: payload " + i + " size differs from the manifest");
            }
            data.write(payloads.get(i));
        }
        data.flush();
    }

    /** Copies a bundle, replacing its signature: the manifest and payloads are copied unchanged. */
    public static void resign(InputStream bundle, OutputStream out, byte[] signature) throws IOException {
        UpdateBundleReader reader = new UpdateBundleReader(bundle);
        DataOutputStream data = writeHeader(out, reader.manifestBytes(), signature);
        bundle.transferTo(data);
        data.flush();
    }

    private static DataOutputStream writeHeader(OutputStream out, byte[] manifestJson, byte[] signature)
            throws IOException {
        if (manifestJson.length > UpdateBundleFormat.MAX_MANIFEST || signature.length > UpdateBundleFormat.MAX_SIGNATURE) {
            throw new IllegalArgumentException("update bundle: manifest or signature too large");
        }
        DataOutputStream data = new DataOutputStream(out);
        data.write(UpdateBundleFormat.MAGIC);
        data.writeInt(UpdateBundleFormat.VERSION);
        data.writeInt(manifestJson.length);
        data.write(manifestJson);
        data.writeInt(signature.length);
        data.write(signature);
        return data;
    }
}
