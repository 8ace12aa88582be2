package dev.hearth.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The time a client may keep a connection waiting. Sits in front of the HTTP decoder, so it sees
 * raw bytes arrive; its {@link HttpConnection} tells it what the connection waits for:
 * <ul>
 * <li>{@link Wait#REQUEST}: between requests. With no byte yet, the connection is an idle
 * keep-alive one and is closed quietly after the timeout. From the first byte of a request, its
 * headers must be complete within the timeout however slowly they trickle in (the header read
 * deadline).</li>
 * <li>{@link Wait#BODY}: more request body is wanted; each chunk restarts the clock.</li>
 * <li>{@link Wait#NOTHING}: the client owes nothing (a service is working, or the connection paused
 * reading because the service reads the body slowly).</li>
 * </ul>
 * Independently, a response the client does not take (the channel stays unwritable) runs out after
 * the same timeout. One timer per connection, re-armed for the nearest deadline; all on the event loop.
 */
final class ClientDeadline extends ChannelInboundHandlerAdapter implements Runnable {

    enum Wait { REQUEST, BODY, NOTHING }

    /** Told when the client has run out of time. */
    interface Expiry {
        void clientTimedOut();
    }

    private final long timeoutNanos;
    private Expiry expiry;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private Wait wait = Wait.REQUEST;
    private boolean requestBytes;
    private long since;
    private long unwritableSince = -1;

    ClientDeadline(long timeoutMillis) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    void expireTo(Expiry expiry) {
        this.expiry = expiry;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        since = System.nanoTime();
        timer = ctx.executor().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (wait == Wait.BODY) {
            since = System.nanoTime();
        } else if (wait == Wait.REQUEST && !requestBytes) {
            requestBytes = true;
            since = System.nanoTime();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        ctx.fireChannelInactive();
    }

    /** Between requests: the next one may start. */
    void awaitRequest() {
        wait = Wait.REQUEST;
        requestBytes = false;
        since = System.nanoTime();
    }

    /** The request body is wanted from now on. */
    void awaitBody() {
        wait = Wait.BODY;
        since = System.nanoTime();
    }

    /** The client owes nothing for now. */
    void awaitNothing() {
        wait = Wait.NOTHING;
    }

    /** Whether part of a request has arrived whose headers are not complete yet. */
    boolean requestStarted() {
        return wait == Wait.REQUEST && requestBytes;
    }

    /** The channel's writability changed: an unwritable channel waits for the client to read. */
    void writability(boolean writable) {
        if (writable) {
            unwritableSince = -1;
        } else if (unwritableSince < 0) {
            unwritableSince = System.nanoTime();
        }
    }

    @Override
    public void run() {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        long next = timeoutNanos;
        if (wait != Wait.NOTHING) {
            long left = timeoutNanos - (now - since);
            if (left <= 0) {
                expiry.clientTimedOut();
                return;
            }
            next = left;
        }
        if (unwritableSince >= 0) {
            long left = timeoutNanos - (now - unwritableSince);
            if (left <= 0) {
                expiry.clientTimedOut();
                return;
            }
            next = Math.min(next, left);
        }
        timer = ctx.executor().schedule(this, next, TimeUnit.NANOSECONDS);
    }
}
