package dev.hearth.gateway;

import dev.hearth.service.ServiceResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response on a connection. Its fields are the connection's (event loop only)
 * except the response, which the thread that completes the responder's stage hands over.
 *
 * <p>The completing thread (in-JVM: the instance's own executor) does the cheap part of the
 * answer itself: a body of known length up to {@link #INLINE_LIMIT} is read into a buffer there,
 * so the event loop only writes one full response. Anything longer, or of unknown length, is
 * streamed by a {@link ResponseStream}.
 */
final class Exchange implements BiConsumer<ServiceResponse, Throwable>, Runnable, RequestBody.Demand {

    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

    /** The largest body of known length read on the completing thread and written in one piece. */
    static final int INLINE_LIMIT = 64 * 1024;

    final HttpConnection connection;
    final EventLoop loop;
    final boolean http10;
    final boolean head;
    final boolean keepAliveRequested;
    /** The request body length, -1 when chunked. */
    final long contentLength;
    /** The request body, or null when the request has none. */
    final RequestBody body;
    /** Whether the client waits for {@code 100 Continue} before it sends the body. */
    final boolean expectContinue;

    // Event loop only.
    boolean awaitingContinue;
    boolean lastSeen;
    boolean requestEnded;
    boolean responseStarted;
    boolean responseDone;
    boolean keepAlive;
    ResponseStream stream;

    // Written by the completing thread, read on the event loop after the hand-over.
    private ServiceResponse response;
    private ByteBuf inline;
    private final AtomicBoolean responseBodyClosed = new AtomicBoolean();

    Exchange(HttpConnection connection, EventLoop loop, boolean http10, boolean head, boolean keepAliveRequested,
             long contentLength, boolean hasBody, boolean expectContinue) {
        this.connection = connection;
        this.loop = loop;
        this.http10 = http10;
        this.head = head;
        this.keepAliveRequested = keepAliveRequested;
        this.contentLength = contentLength;
        this.body = hasBody ? new RequestBody(this) : null;
        this.expectContinue = hasBody && expectContinue;
        this.awaitingContinue = this.expectContinue;
        this.requestEnded = !hasBody;
    }

    // ---- completion (any thread)

    @Override
    public void accept(ServiceResponse answer, Throwable failure) {
        ServiceResponse r = failure == null ? answer : connection.refusal(unwrap(failure));
        ByteBuf bytes = null;
        if (!head && HttpConnection.bodyAllowed(r.status()) && r.contentLength() >= 0
                && r.contentLength() <= INLINE_LIMIT) {
            ServiceResponse original = r;
            try {
                bytes = readKnownLength(r);
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: a response body of {} bytes could not be read", connection.name(), r.contentLength(), e);
                r = connection.instanceBroke();
                bytes = readInline(r);
            } finally {
                closeResponseBody(original);
            }
        }
        response = r;
        inline = bytes;
        if (loop.inEventLoop()) {
            run();
            return;
        }
        try {
            loop.execute(this);
        } catch (RejectedExecutionException e) {
            // The listener has shut its event loops down: nobody is left to answer.
            release();
        }
    }

    /** On the event loop, after {@link #accept}. */
    @Override
    public void run() {
        connection.respond(this);
    }

    ServiceResponse response() {
        return response;
    }

    /** Takes the inline body (null when there is none); the caller then owns it. */
    ByteBuf takeInline() {
        ByteBuf b = inline;
        inline = null;
        return b;
    }

    /** Drops the response: releases the inline body and closes the streamed one. */
    void release() {
        ByteBuf b = takeInline();
        if (b != null) {
            b.release();
        }
        if (response != null) {
            closeResponseBody(response);
        }
    }

    /** Closes the response body once, from whichever thread gets there first. */
    void closeResponseBody(ServiceResponse r) {
        if (r != null && responseBodyClosed.compareAndSet(false, true)) {
            try {
                r.body().close();
            } catch (IOException e) {
                LOG.debug("{}: closing a response body failed", connection.name(), e);
            }
        }
    }

    // ---- RequestBody.Demand (the service's thread)

    @Override
    public void wanted() {
        if (expectContinue) {
            onLoop(() -> connection.bodyWanted(this));
        }
    }

    @Override
    public void drained() {
        onLoop(connection.resumeReading);
    }

    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // The listener has shut its event loops down: the connection is gone, and the body
            // has been failed (or soon will be) by its close.
            LOG.debug("{}: event loop gone; body demand dropped", connection.name());
        }
    }

    /** Reads an in-memory body (an error the gateway made): cannot fail. */
    private ByteBuf readInline(ServiceResponse r) {
        try {
            return readKnownLength(r);
        } catch (IOException e) {
            throw new IllegalStateException("an in-memory body cannot fail to be read", e);
        }
    }

    private ByteBuf readKnownLength(ServiceResponse r) throws IOException {
        int length = (int) r.contentLength();
        if (length == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuf bytes = connection.alloc().buffer(length);
        boolean ok = false;
        try {
            InputStream in = r.body();
            while (bytes.isWritable()) {
                if (bytes.writeBytes(in, bytes.writableBytes()) < 0) {
                    throw new IOException("the body ended after " + bytes.readableBytes() + " of the "
                            + length + " bytes its content length promised");
                }
            }
            ok = true;
            return bytes;
        } finally {
            if (!ok) {
                bytes.release();
            }
        }
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
