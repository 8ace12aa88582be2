package dev.hearth.gateway;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request body as the service reads it, while it is still arriving: a small bounded buffer
 * between the connection's event loop (which offers chunks as the decoder reads them) and the
 * service's thread (which reads them, blocking until they come).
 *
 * <p>Backpressure: {@link #offer} says when the buffer is full, and the connection stops reading
 * the socket; when the reader has drained it below the low mark, {@link Demand#drained} asks the
 * connection to read again. So a large upload occupies at most {@link #HIGH_MARK} bytes plus one
 * decoded chunk here, whatever its size.
 */
final class RequestBody extends InputStream {

    /** Bytes buffered at which the connection stops reading. */
    static final int HIGH_MARK = 64 * 1024;
    /** Bytes buffered at or below which a paused connection reads again. */
    static final int LOW_MARK = 16 * 1024;

    /** What the body asks of its connection. Both are called on the reader's thread and must not block. */
    interface Demand {
        /** The reader wants the body for the first time (the moment to send {@code 100 Continue}). */
        void wanted();

        /** The buffer was full and has drained; reading may resume. */
        void drained();
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>(8);
    private final Demand demand;
    private final byte[] single = new byte[1];
    private int buffered;
    private boolean wanted;
    private boolean paused;
    private boolean ended;
    private boolean closed;
    private String failure;

    RequestBody(Demand demand) {
        this.demand = demand;
    }

    // ---- the connection's side (event loop)

    /**
     * Takes ownership of a chunk. Returns true when the buffer is now full: the connection should
     * stop reading until {@link Demand#drained}.
     */
    boolean offer(ByteBuf chunk) {
        lock.lock();
        try {
            if (closed || failure != null || !chunk.isReadable()) {
                chunk.release();
                return false;
            }
            chunks.add(chunk);
            buffered += chunk.readableBytes();
            changed.signal();
            if (buffered >= HIGH_MARK) {
                paused = true;
            }
            return paused;
        } finally {
            lock.unlock();
        }
    }

    /** The last chunk has been offered. */
    void end() {
        lock.lock();
        try {
            ended = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The body will not arrive in full (the client went away, timed out, or sent a malformed chunk):
     * the reader gets an IOException saying why instead of the rest. Does nothing once it ended.
     */
    void fail(String why) {
        lock.lock();
        try {
            if (!ended && failure == null) {
                failure = why;
                releaseAll();
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the reader has given the body up (closed it) before its end. */
    boolean abandoned() {
        lock.lock();
        try {
            return closed && !ended;
        } finally {
            lock.unlock();
        }
    }

    // ---- the reader's side (the service's thread)

    @Override
    public int read() throws IOException {
        int n = read(single, 0, 1);
        return n < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            return 0;
        }
        boolean resume = false;
        boolean first = false;
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new IOException("request body: read after close");
                }
                ByteBuf head = chunks.peek();
                if (head != null) {
                    int n = Math.min(length, head.readableBytes());
                    head.readBytes(into, offset, n);
                    if (!head.isReadable()) {
                        chunks.poll();
                        head.release();
                    }
                    buffered -= n;
                    if (paused && buffered <= LOW_MARK) {
                        paused = false;
                        resume = true;
                    }
                    return n;
                }
                if (failure != null) {
                    throw new IOException("request body: " + failure);
                }
                if (ended) {
                    return -1;
                }
                if (!wanted) {
                    wanted = true;
                    first = true;
                    break;
                }
                awaitChange();
            }
        } finally {
            lock.unlock();
            if (resume) {
                demand.drained();
            }
        }
        // First read with nothing buffered: tell the connection (outside the lock), then wait.
        if (first) {
            demand.wanted();
        }
        return read(into, offset, length);
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return buffered;
        } finally {
            lock.unlock();
        }
    }

    /** Gives the body up: what is buffered is released and the rest will be discarded as it comes. */
    @Override
    public void close() {
        boolean resume;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            resume = paused;
            paused = false;
            releaseAll();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (resume) {
            demand.drained();
        }
    }

    private void awaitChange() throws InterruptedIOException {
        try {
            changed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("request body: interrupted while waiting for the client");
        }
    }

    private void releaseAll() {
        ByteBuf chunk;
        while ((chunk = chunks.poll()) != null) {
            chunk.release();
        }
        buffered = 0;
    }
}
