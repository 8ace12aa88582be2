package dev.hearth.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pumps a response body from the service's InputStream to the client, off the event loop (the
 * stream may block). Runs on the listener's stream executor; reads a chunk, writes it, and repeats
 * while the channel is writable. When the client does not keep up, it parks and gives its thread
 * back; the connection's writability change resubmits it. The body is always closed.
 */
final class ResponseStream implements Runnable {

    static final int CHUNK = 16 * 1024;

    private final Exchange exchange;
    private final Channel channel;
    private final InputStream body;
    private final Executor executor;
    private final AtomicBoolean parked = new AtomicBoolean();
    /** Bytes still to send when the length is known, else -1. */
    private long remaining;

    ResponseStream(Exchange exchange, Channel channel, InputStream body, long contentLength, Executor executor) {
        this.exchange = exchange;
        this.channel = channel;
        this.body = body;
        this.remaining = contentLength;
        this.executor = executor;
    }

    void start() {
        executor.execute(this);
    }

    @Override
    public void run() {
        try {
            while (true) {
                if (!channel.isActive()) {
                    exchange.closeResponseBody(exchange.response());
                    return;
                }
                int want = remaining < 0 ? CHUNK : (int) Math.min(CHUNK, remaining);
                if (want == 0) {
                    ended();
                    return;
                }
                ByteBuf chunk = channel.alloc().buffer(want);
                int n;
                try {
                    n = chunk.writeBytes(body, want);
                } catch (IOException | RuntimeException e) {
                    chunk.release();
                    throw e;
                }
                if (n < 0) {
                    chunk.release();
                    if (remaining > 0) {
                        throw new IOException("the body ended " + remaining + " bytes short of its content length");
                    }
                    ended();
                    return;
                }
                if (n == 0) {
                    chunk.release();
                    continue;
                }
                if (remaining > 0) {
                    remaining -= n;
                }
                channel.writeAndFlush(new DefaultHttpContent(chunk), channel.voidPromise());
                if (!channel.isWritable()) {
                    parked.set(true);
                    // Re-check: the channel may have become writable before the flag was seen.
                    if (!channel.isWritable() || !parked.compareAndSet(true, false)) {
                        return;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            exchange.closeResponseBody(exchange.response());
            onLoop(() -> exchange.connection.streamFailed(exchange, e));
        }
    }

    /** On the event loop: the channel is writable again. */
    void writable() {
        if (parked.compareAndSet(true, false)) {
            try {
                executor.execute(this);
            } catch (RejectedExecutionException e) {
                exchange.closeResponseBody(exchange.response());
                exchange.connection.streamFailed(exchange, e);
            }
        }
    }

    private void ended() {
        exchange.closeResponseBody(exchange.response());
        onLoop(() -> exchange.connection.streamEnded(exchange));
    }

    private void onLoop(Runnable task) {
        try {
            exchange.loop.execute(task);
        } catch (RejectedExecutionException e) {
            // The event loop has shut down, and with it the connection: there is nothing left to tell.
            channel.close();
        }
    }
}
