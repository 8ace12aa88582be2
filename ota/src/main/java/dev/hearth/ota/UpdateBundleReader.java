package dev.hearth.ota;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an update bundle from a stream, start to end, never seeking: first the manifest bytes and
 * the signature, then each payload in manifest order. Nothing in the payloads is trusted by the
 * reader; {@link ManifestVerifier} decides about the manifest, the installer about each block.
 */
public final class UpdateBundleReader implements AutoCloseable {

    private final DataInputStream in;
    private final byte[] manifestBytes;
    private final byte[] signature;
    private int nextPayload;
    private PayloadStream open;

    /** Reads the header, manifest and signature; fails with {@link IOException} on a malformed or truncated header. */
    public UpdateBundleReader(InputStream in) throws IOException {
        this.in = new DataInputStream(in);
        byte[] magic = new byte[UpdateBundleFormat.MAGIC.length];
        readFully(magic, "magic");
        if (!Arrays.equals(magic, UpdateBundleFormat.MAGIC)) {
            throw new IOException("update bundle: not a .hup file (bad magic)");
        }
        int version = readInt("format");
        if (version != UpdateBundleFormat.VERSION) {
            throw new IOException("update bundle: format " + version + " is not supported (expected "
                    + UpdateBundleFormat.VERSION + ")");
        }
        manifestBytes = readSection("manifest", UpdateBundleFormat.MAX_MANIFEST);
        signature = readSection("signature", UpdateBundleFormat.MAX_SIGNATURE);
    }

    /** The exact manifest bytes the signature covers. */
    public byte[] manifestBytes() {
        return manifestBytes.clone();
    }

    /** The detached CMS signature (DER), empty when the bundle is unsigned. */
    public byte[] signature() {
        return signature.clone();
    }

    /**
     * The bytes of the next payload, which must be {@code payloads.get(i)} for the i-th call. The
     * previous payload's stream is drained first. A stream that ends early fails with
     * {@link EOFException} naming the payload.
     */
    public InputStream payload(List<Payload> payloads, Payload payload) throws IOException {
        if (nextPayload >= payloads.size() || !payloads.get(nextPayload).equals(payload)) {
            throw new IllegalStateException("update bundle: payload '" + payload.name() + "' is not next in order");
        }
        if (open != null) {
            open.skipRest();
        }
        nextPayload++;
        open = new PayloadStream(payload);
        return open;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private byte[] readSection(String what, int max) throws IOException {
        int length = readInt(what + " length");
        if (length < 0 || length > max) {
            throw new IOException("update bundle: " + what + " length " + Integer.toUnsignedString(length)
                    + " is out of range (max " + max + ")");
        }
        byte[] b = new byte[length];
        readFully(b, what);
        return b;
    }

    private int readInt(String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw truncated(what, e);
        }
    }

    private void readFully(byte[] b, String what) throws IOException {
        try {
            in.readFully(b);
        } catch (EOFException e) {
            throw truncated(what, e);
        }
    }

    private static EOFException truncated(String what, EOFException cause) {
        EOFException e = new EOFException("update bundle: truncated in the " + what);
        e.initCause(cause);
        return e;
    }

    private final class PayloadStream extends InputStream {
        private final Payload payload;
        private long left;

        PayloadStream(Payload payload) {
            this.payload = payload;
            this.left = payload.size();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("update bundle: truncated in payload '" + payload.name() + "' at byte "
                        + (payload.size() - left) + " of " + payload.size());
            }
            left -= n;
            return n;
        }

        void skipRest() throws IOException {
            byte[] sink = new byte[64 * 1024];
            while (left > 0) {
                read(sink, 0, sink.length);
            }
        }
    }
}
