package dev.hearth.ota.install;

import dev.hearth.ota.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An update bundle that arrives in chunks, in order (over MQTT, for hubs without a web server), read
 * by the installer as it comes. A bounded pipe: at most {@code capacity} bytes wait between the
 * sender and the installer; a chunk offered to a full pipe waits until the installer has taken
 * enough, so that the sender, awaiting each chunk's receipt, goes at the installer's pace. Nothing of
 * the bundle is stored anywhere else.
 *
 * <p>Each chunk must start where the previous one ended; a duplicate, a chunk out of order, an empty
 * one, one larger than {@code maxChunk} or one past the announced size is {@link ChunkReceipt.Rejected}
 * and changes nothing. When the last byte arrives the SHA-256 of the whole bundle is checked against
 * the announced one before the installer may read that last chunk: a mismatch ends the transfer.
 *
 * <p>The installer's reads wait for chunks at most {@code idleTimeout}; then the transfer ends ("the
 * sender went away") and the read throws {@link UpdateSourceException}. When the installer closes its
 * stream (done, or it refused the bundle), the transfer ends too and later chunks are rejected.
 * States: {@link TransferState}. Thread-safe: one sender thread, one reader thread.
 */
public final class ChunkUpdateSource implements UpdateSource {

    private final String id;
    private final long size;
    private final byte[] sha256;
    private final int maxChunk;
    private final long capacity;
    private final Duration idleTimeout;
    private final MessageDigest digest = Sha256.newDigest();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<byte[]> pipe = new ArrayDeque<>();
    private int headPosition;
    private long buffered;
    private long received;
    private boolean opened;
    private TransferState state = TransferState.RECEIVING;
    private String endReason = "";

    /**
     * @param id          names the transfer in messages and in what the sender must quote
     * @param size        the whole bundle's bytes
     * @param sha256      the whole bundle's SHA-256 (32 bytes)
     * @param maxChunk    the largest chunk taken
     * @param capacity    the most bytes waiting in the pipe (at least {@code maxChunk})
     * @param idleTimeout how long the installer waits for the next chunk, and a chunk for room in the pipe
     */
    public ChunkUpdateSource(String id, long size, byte[] sha256, int maxChunk, long capacity, Duration idleTimeout) {
        this.id = Objects.requireNonNull(id, "id");
        if (size <= 0) {
            throw new IllegalArgumentException("chunk source: size must be positive, was " + size);
        }
        if (sha256.length != Sha256.LENGTH) {
            throw new IllegalArgumentException("chunk source: a SHA-256 has 32 bytes, was " + sha256.length);
        }
        if (maxChunk <= 0 || capacity < maxChunk) {
            throw new IllegalArgumentException("chunk source: need 0 < maxChunk <= capacity, was " + maxChunk + ", " + capacity);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("chunk source: idleTimeout must be positive, was " + idleTimeout);
        }
        this.size = size;
        this.sha256 = sha256.clone();
        this.maxChunk = maxChunk;
        this.capacity = capacity;
        this.idleTimeout = idleTimeout;
    }

    public String id() {
        return id;
    }

    public long size() {
        return size;
    }

    public int maxChunk() {
        return maxChunk;
    }

    public TransferState state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes received so far. */
    public long received() {
        lock.lock();
        try {
            return received;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Offers the chunk that starts at byte {@code offset}; waits while the pipe is full (at most the
     * idle timeout, then the transfer ends: the installer is stuck).
     *
     * @throws InterruptedException when interrupted while waiting for room; nothing was taken
     */
    public ChunkReceipt accept(long offset, byte[] bytes) throws InterruptedException {
        lock.lock();
        try {
            if (state != TransferState.RECEIVING) {
                return new ChunkReceipt.Rejected("transfer " + id + " is " + state
                        + (endReason.isEmpty() ? "" : " (" + endReason + ")") + "; chunk at " + offset + " not taken");
            }
            if (bytes.length == 0) {
                return new ChunkReceipt.Rejected("transfer " + id + ": an empty chunk at " + offset);
            }
            if (bytes.length > maxChunk) {
                return new ChunkReceipt.Rejected("transfer " + id + ": a chunk of " + bytes.length
                        + " bytes exceeds the largest taken, " + maxChunk);
            }
            if (offset < received) {
                return new ChunkReceipt.Rejected("transfer " + id + ": duplicate chunk at " + offset
                        + ", already received up to " + received + " (next expected " + received + ")");
            }
            if (offset > received) {
                return new ChunkReceipt.Rejected("transfer " + id + ": chunk out of order at " + offset
                        + ", next expected " + received);
            }
            if (offset + bytes.length > size) {
                return new ChunkReceipt.Rejected("transfer " + id + ": a chunk ending at " + (offset + bytes.length)
                        + " goes past the bundle's " + size + " bytes");
            }
            long waitNanos = idleTimeout.toNanos();
            while (buffered + bytes.length > capacity && state == TransferState.RECEIVING) {
                if (waitNanos <= 0) {
                    end("the installer took nothing for " + idleTimeout.toMillis() + " ms");
                    break;
                }
                waitNanos = changed.awaitNanos(waitNanos);
            }
            if (state != TransferState.RECEIVING) {
                return new ChunkReceipt.Rejected("transfer " + id + " is " + state + " (" + endReason
                        + "); chunk at " + offset + " not taken");
            }
            digest.update(bytes);
            if (offset + bytes.length == size) {
                byte[] actual = digest.digest();
                if (!MessageDigest.isEqual(actual, sha256)) {
                    String why = "the SHA-256 of the " + size + " bytes received is " + HexFormat.of().formatHex(actual)
                            + ", the install request announced " + HexFormat.of().formatHex(sha256);
                    end(why);
                    return new ChunkReceipt.Rejected("transfer " + id + ": " + why);
                }
                state = TransferState.COMPLETE;
            }
            pipe.addLast(bytes.clone());
            buffered += bytes.length;
            received += bytes.length;
            changed.signalAll();
            return new ChunkReceipt.Accepted(received, size);
        } finally {
            lock.unlock();
        }
    }

    /** Ends the transfer: the reader's next read fails with {@code why}, later chunks are rejected. */
    public void abandon(String why) {
        lock.lock();
        try {
            if (state == TransferState.RECEIVING) {
                end(why);
            }
        } finally {
            lock.unlock();
        }
    }

    private void end(String why) {
        state = TransferState.ENDED;
        endReason = why;
        pipe.clear();
        headPosition = 0;
        buffered = 0;
        changed.signalAll();
    }

    /** The bundle's bytes as they arrive; once only. */
    @Override
    public InputStream open() {
        lock.lock();
        try {
            if (opened) {
                throw new IllegalStateException("chunk source " + id + ": opened already (a transfer is read once)");
            }
            opened = true;
            return new Reader();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "chunks of transfer " + id + " (" + size + " bytes)";
    }

    private final class Reader extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            lock.lock();
            try {
                long waitNanos = idleTimeout.toNanos();
                while (pipe.isEmpty()) {
                    if (state == TransferState.COMPLETE) {
                        return -1;
                    }
                    if (state == TransferState.ENDED) {
                        throw new UpdateSourceException("transfer " + id + " ended at byte " + received + " of " + size
                                + ": " + endReason);
                    }
                    if (waitNanos <= 0) {
                        end("no chunk for " + idleTimeout.toMillis() + " ms at byte " + received + " of " + size
                                + ": the sender went away");
                        throw new UpdateSourceException("transfer " + id + " ended: " + endReason);
                    }
                    try {
                        waitNanos = changed.awaitNanos(waitNanos);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("transfer " + id + ": interrupted waiting for a chunk");
                    }
                }
                byte[] head = pipe.peekFirst();
                int n = Math.min(len, head.length - headPosition);
                System.arraycopy(head, headPosition, b, off, n);
                headPosition += n;
                if (headPosition == head.length) {
                    pipe.removeFirst();
                    headPosition = 0;
                }
                buffered -= n;
                changed.signalAll();
                return n;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (state != TransferState.ENDED) {
                    end(state == TransferState.COMPLETE && pipe.isEmpty() ? "the installer read the whole bundle"
                            : "the installer stopped reading");
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
