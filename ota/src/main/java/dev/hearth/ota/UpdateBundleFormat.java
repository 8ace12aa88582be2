package dev.hearth.ota;

import java.nio.charset.StandardCharsets;

/**
 * The layout of a {@code .hup} update bundle, read start to end without seeking:
 * <pre>
 *   magic      8 bytes  "HEARTHUP"
 *   format     u32 big-endian (1)
 *   manifest   u32 length + that many bytes of JSON ({@link Manifest})
 *   signature  u32 length + that many bytes of detached CMS SignedData, DER (length 0: unsigned)
 *   payloads   each payload's bytes, in manifest order, sizes from the manifest
 * </pre>
 * The reader knows every size before it reads the bytes it describes.
 */
public final class UpdateBundleFormat {

    static final byte[] MAGIC = "HEARTHUP".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    /** Largest manifest accepted: a 4 GiB payload in 4 KiB blocks needs about 45 MiB of hashes. */
    static final int MAX_MANIFEST = 64 << 20;
    static final int MAX_SIGNATURE = 1 << 20;
    /** Default block size of the per-block hashes, as RAUC's adaptive updates use. */
    public static final int DEFAULT_BLOCK_SIZE = 4096;

    private UpdateBundleFormat() {
    }

    /** Bytes in front of the first payload. */
    static long headerSize(int manifestLength, int signatureLength) {
        return MAGIC.length + 4L + 4 + manifestLength + 4 + signatureLength;
    }
}
