package dev.hearth.gateway;

import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: turns the decoder's messages into {@link Exchange}s, one at a time, and
 * writes their responses in order. Everything here runs on the connection's event loop.
 *
 * <p>A request is handed to the {@link Responder} as soon as its headers are read; its body then
 * flows through a {@link RequestBody}. Requests a client pipelines behind one still being answered
 * are held (and reading paused) until it is. When the service answers before it read the whole
 * body, the rest is discarded if it is small and of known length, else the connection closes after
 * the response. A connection that went wrong (malformed input, a timeout, a failed response body)
 * serves nothing more: it is closed, and only it.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter implements ClientDeadline.Expiry {

    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);

    /** A request body of known length up to this that the service left unread is discarded to keep the connection. */
    static final long DISCARDABLE_BODY = 256 * 1024;

    /** Response headers from services are validated (names and values: no header injection). */
    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory();

    /** Framing is the gateway's: these response headers from a service are dropped. */
    private static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "content-length");

    private final HttpListener listener;
    private final Responder responder;
    private final ClientDeadline deadline;
    /** Resumes reading once a full request body buffer drained; runs on the event loop. */
    final Runnable resumeReading = this::bodyDrained;

    private ChannelHandlerContext ctx;
    private Channel channel;
    private Exchange exchange;
    private ArrayDeque<Object> held;
    private boolean reading = true;
    private boolean bodyPaused;
    private boolean draining;
    /** No further request will be served: the connection is closing. */
    private boolean over;

    HttpConnection(HttpListener listener, Responder responder, ClientDeadline deadline) {
        this.listener = listener;
        this.responder = responder;
        this.deadline = deadline;
    }

    String name() {
        return listener.name();
    }

    ByteBufAllocator alloc() {
        return channel.alloc();
    }

    Channel channel() {
        return channel;
    }

    // ---- channel events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
        deadline.expireTo(this);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        listener.opened(this);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        over = true;
        Exchange ex = exchange;
        if (ex != null) {
            if (ex.body != null) {
                ex.body.fail("the client closed the connection");
            }
            if (ex.responseStarted) {
                ex.release();
            }
        }
        releaseHeld();
        listener.closed(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (over) {
            ReferenceCountUtil.release(msg);
        } else if ((held != null && !held.isEmpty()) || (exchange != null && exchange.lastSeen)) {
            hold(msg);
        } else {
            process(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = channel.isWritable();
        deadline.writability(writable);
        if (writable && exchange != null && exchange.stream != null) {
            exchange.stream.writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        over = true;
        if (cause instanceof IOException) {
            LOG.debug("{}: connection failed: {}", name(), cause.toString());
        } else {
            LOG.warn("{}: connection failed; closing it", name(), cause);
        }
        ctx.close();
    }

    @Override
    public void clientTimedOut() {
        Exchange ex = exchange;
        boolean midRequest = ex == null ? deadline.requestStarted() : !ex.lastSeen;
        over = true;
        LOG.debug("{}: client timed out {}", name(), midRequest ? "sending a request" : "between requests");
        if (ex != null && ex.body != null) {
            ex.body.fail("the client sent nothing for " + listener.readTimeoutMillis() + " ms");
        }
        if (midRequest && (ex == null || !ex.responseStarted)) {
            if (ex != null) {
                ex.responseStarted = true;
            }
            writeErrorAndClose(HttpResponseStatus.REQUEST_TIMEOUT, "the request took too long to arrive");
        } else {
            ctx.close();
        }
    }

    /** Asked by the listener when it closes: finish the exchange in progress, then close. */
    void closeWhenIdle() {
        ctx.executor().execute(() -> {
            if (exchange == null) {
                over = true;
                ctx.close();
            }
        });
    }

    // ---- requests

    private void process(Object msg) {
        if (msg instanceof HttpRequest request) {
            if (request.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                malformed(request.decoderResult().cause());
                return;
            }
            begin(request);
        }
        if (msg instanceof HttpContent content) {
            content(content);
        }
    }

    private void begin(HttpRequest request) {
        deadline.awaitNothing();
        HttpVersion version = request.protocolVersion();
        boolean http10 = version.majorVersion() == 1 && version.minorVersion() == 0;
        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null && !http10 && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect)) {
            over = true;
            writeErrorAndClose(HttpResponseStatus.EXPECTATION_FAILED, "only 'Expect: 100-continue' is supported");
            return;
        }
        String target = request.uri();
        if (!target.startsWith("/") && !isAbsoluteForm(target)) {
            over = true;
            writeErrorAndClose(HttpResponseStatus.BAD_REQUEST, "the request target must be a path");
            return;
        }
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        long length = chunked ? -1 : HttpUtil.getContentLength(request, 0L);
        boolean hasBody = chunked || length > 0;
        Exchange ex = new Exchange(this, channel.eventLoop(), http10, request.method() == HttpMethod.HEAD,
                HttpUtil.isKeepAlive(request), length, hasBody, !http10 && expect != null);
        exchange = ex;
        if (hasBody && !ex.awaitingContinue) {
            deadline.awaitBody();
        }
        ServiceRequest serviceRequest = serviceRequest(request, target, ex, length);
        CompletionStage<ServiceResponse> stage;
        try {
            stage = responder.respond(serviceRequest);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete(ex);
    }

    private void content(HttpContent content) {
        Exchange ex = exchange;
        if (ex == null || ex.lastSeen) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            malformedBody(ex, content.decoderResult().cause());
            return;
        }
        if (ex.body != null) {
            if (ex.body.offer(content.content())) {
                bodyPaused = true;
                deadline.awaitNothing();
                updateReading();
            }
        } else {
            content.release();
        }
        if (content instanceof LastHttpContent) {
            ex.lastSeen = true;
            if (!ex.requestEnded) {
                ex.requestEnded = true;
                ex.body.end();
            }
            deadline.awaitNothing();
            if (bodyPaused) {
                bodyPaused = false;
                updateReading();
            }
            if (ex.responseDone) {
                endExchange(ex);
            }
        }
    }

    /** The service wants the body for the first time: if the client waits for it, say 100 Continue. */
    void bodyWanted(Exchange ex) {
        if (ex != exchange || !ex.awaitingContinue || ex.responseStarted || ex.lastSeen || over) {
            return;
        }
        ex.awaitingContinue = false;
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                Unpooled.EMPTY_BUFFER), ctx.voidPromise());
        deadline.awaitBody();
    }

    private void bodyDrained() {
        if (!bodyPaused) {
            return;
        }
        bodyPaused = false;
        updateReading();
        if (exchange != null && !exchange.lastSeen && !exchange.awaitingContinue) {
            deadline.awaitBody();
        }
    }

    // ---- responses

    /** Writes the response handed over by {@link Exchange#accept}. */
    void respond(Exchange ex) {
        if (ex != exchange || ex.responseStarted || !channel.isActive()) {
            ex.release();
            return;
        }
        ex.responseStarted = true;
        ServiceResponse r = ex.response();
        HttpHeaders headers;
        try {
            if (r.status() < 200) {
                throw new IllegalArgumentException("an interim status (" + r.status() + ") cannot be a response");
            }
            headers = headers(r);
        } catch (RuntimeException e) {
            LOG.warn("{}: a service sent a response that cannot be written; answering 502", name(), e);
            ex.release();
            writeFull(ex, instanceBroke(), keepAlive(ex));
            return;
        }
        HttpResponseStatus status = HttpResponseStatus.valueOf(r.status());
        boolean keepAlive = keepAlive(ex);
        ByteBuf inline = ex.takeInline();
        if (ex.head || !bodyAllowed(r.status())) {
            if (inline != null) {
                inline.release();
            }
            ex.closeResponseBody(r);
            if (ex.head && r.contentLength() >= 0) {
                headers.set(HttpHeaderNames.CONTENT_LENGTH, r.contentLength());
            }
            writeFull(ex, status, Unpooled.EMPTY_BUFFER, headers, keepAlive);
        } else if (inline != null) {
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, inline.readableBytes());
            writeFull(ex, status, inline, headers, keepAlive);
        } else {
            stream(ex, r, status, headers, keepAlive);
        }
    }

    private void stream(Exchange ex, ServiceResponse r, HttpResponseStatus status, HttpHeaders headers,
                        boolean keepAlive) {
        long length = r.contentLength();
        if (length >= 0) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
        } else if (ex.http10) {
            keepAlive = false; // no chunked encoding in HTTP/1.0: the body ends when the connection does
        } else {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        ResponseStream stream = new ResponseStream(ex, channel, r.body(), length, listener.streams());
        try {
            stream.start();
        } catch (RejectedExecutionException e) {
            LOG.warn("{}: too many responses are streaming; answering 503", name());
            ex.closeResponseBody(r);
            writeFull(ex, JsonBody.error(503, "the gateway is busy", Map.of(),
                    Map.of("retry-after", "1")), false);
            return;
        }
        ex.stream = stream;
        ex.keepAlive = keepAlive;
        connectionHeader(headers, ex.http10, keepAlive);
        // The stream's first chunk is queued behind this task, so the head goes out first.
        ctx.writeAndFlush(new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, headers), ctx.voidPromise());
    }

    /** On the event loop: a streamed body has been read to its end. */
    void streamEnded(Exchange ex) {
        if (ex != exchange || !channel.isActive()) {
            return;
        }
        ex.stream = null;
        ChannelFuture last = ex.keepAlive
                ? ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise())
                : ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        responseDone(ex, last);
    }

    /** On the event loop: a streamed body failed midway. The status is sent; only closing can tell the client. */
    void streamFailed(Exchange ex, Exception cause) {
        LOG.warn("{}: a response body failed midway; closing the connection", name(), cause);
        over = true;
        ex.stream = null;
        ctx.close();
    }

    private void writeFull(Exchange ex, ServiceResponse inMemory, boolean keepAlive) {
        HttpHeaders headers = HEADERS.newHeaders();
        inMemory.headers().forEach(headers::add);
        ByteBuf content = Unpooled.wrappedBuffer(bytes(inMemory));
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        writeFull(ex, HttpResponseStatus.valueOf(inMemory.status()), content, headers, keepAlive);
    }

    private void writeFull(Exchange ex, HttpResponseStatus status, ByteBuf content, HttpHeaders headers,
                           boolean keepAlive) {
        connectionHeader(headers, ex.http10, keepAlive);
        ex.keepAlive = keepAlive;
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content,
                headers, HEADERS.newEmptyHeaders());
        ChannelFuture last = keepAlive ? ctx.writeAndFlush(response, ctx.voidPromise()) : ctx.writeAndFlush(response);
        responseDone(ex, last);
    }

    private void responseDone(Exchange ex, ChannelFuture last) {
        ex.responseDone = true;
        if (!ex.keepAlive) {
            over = true;
            last.addListener(ChannelFutureListener.CLOSE);
            releaseHeld();
            updateReading();
            return;
        }
        if (ex.lastSeen) {
            endExchange(ex);
        } else {
            // Answered before the request's end came: take the rest (small, or none) and drop it.
            if (ex.body != null) {
                ex.body.close();
            }
            if (!bodyPaused) {
                deadline.awaitBody();
            }
        }
    }

    private void endExchange(Exchange ex) {
        exchange = null;
        if (ex.body != null) {
            ex.body.close(); // releases what a service left unread
        }
        if (listener.closing()) {
            over = true;
            ctx.close();
            return;
        }
        deadline.awaitRequest();
        drainHeld();
    }

    private boolean keepAlive(Exchange ex) {
        return ex.keepAliveRequested && !over && !listener.closing()
                && (ex.requestEnded || (!ex.awaitingContinue && ex.contentLength >= 0
                && ex.contentLength <= DISCARDABLE_BODY));
    }

    // ---- failures

    ServiceResponse refusal(Throwable failure) {
        try {
            return responder.refusal(failure);
        } catch (RuntimeException e) {
            e.addSuppressed(failure);
            LOG.warn("{}: a failed request could not be turned into a response; answering 500", name(), e);
            return JsonBody.error(500, "internal error");
        }
    }

    ServiceResponse instanceBroke() {
        return JsonBody.error(502, "the service sent a broken response");
    }

    private void malformed(Throwable cause) {
        over = true;
        LOG.debug("{}: malformed request: {}", name(), cause.toString());
        if (cause instanceof TooLongHttpHeaderException) {
            writeErrorAndClose(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "the request headers are too large");
        } else if (cause instanceof TooLongHttpLineException) {
            writeErrorAndClose(HttpResponseStatus.BAD_REQUEST, "the request line is too long");
        } else {
            writeErrorAndClose(HttpResponseStatus.BAD_REQUEST, "malformed request");
        }
    }

    private void malformedBody(Exchange ex, Throwable cause) {
        over = true;
        LOG.debug("{}: malformed request body: {}", name(), cause.toString());
        ex.body.fail("the request body is malformed");
        if (ex.responseStarted) {
            ctx.close();
        } else {
            ex.responseStarted = true;
            writeErrorAndClose(HttpResponseStatus.BAD_REQUEST, "malformed request body");
        }
    }

    private void writeErrorAndClose(HttpResponseStatus status, String message) {
        ServiceResponse error = JsonBody.error(status.code(), message);
        HttpHeaders headers = HEADERS.newHeaders();
        error.headers().forEach(headers::add);
        ByteBuf content = Unpooled.wrappedBuffer(bytes(error));
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content, headers,
                HEADERS.newEmptyHeaders())).addListener(ChannelFutureListener.CLOSE);
        releaseHeld();
        updateReading();
    }

    // ---- reading control

    private void hold(Object msg) {
        if (held == null) {
            held = new ArrayDeque<>(4);
        }
        held.add(msg);
        updateReading();
    }

    private void drainHeld() {
        if (!draining && held != null) {
            draining = true;
            try {
                Object msg;
                while (!over && (exchange == null || !exchange.lastSeen) && (msg = held.poll()) != null) {
                    process(msg);
                }
            } finally {
                draining = false;
            }
        }
        updateReading();
    }

    private void releaseHeld() {
        if (held != null) {
            Object msg;
            while ((msg = held.poll()) != null) {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private void updateReading() {
        boolean want = !over && !bodyPaused && (held == null || held.isEmpty());
        if (want != reading) {
            reading = want;
            channel.config().setAutoRead(want);
        }
    }

    // ---- conversions

    static boolean bodyAllowed(int status) {
        return status >= 200 && status != 204 && status != 304;
    }

    private static boolean isAbsoluteForm(String target) {
        return target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8);
    }

    private static ServiceRequest serviceRequest(HttpRequest request, String target, Exchange ex, long length) {
        String authority = null;
        String pathAndQuery = target;
        if (!target.startsWith("/")) {
            int start = target.indexOf("//") + 2;
            int end = start;
            while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
                end++;
            }
            authority = target.substring(start, end);
            pathAndQuery = end == target.length() ? "/" : target.charAt(end) == '?' ? "/" + target.substring(end)
                    : target.substring(end);
        }
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
        Map<String, List<String>> headers = headers(request.headers());
        if (authority != null) {
            headers.put("host", List.of(authority));
        }
        InputStream body = ex.body != null ? ex.body : InputStream.nullInputStream();
        return new ServiceRequest(request.method().name(), path, query, Collections.unmodifiableMap(headers), body,
                ex.body != null ? length : 0);
    }

    private static Map<String, List<String>> headers(HttpHeaders from) {
        Map<String, List<String>> to = new HashMap<>(Math.max(4, from.size() * 2));
        Iterator<Map.Entry<CharSequence, CharSequence>> it = from.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            String name = lowerCase(e.getKey());
            String value = e.getValue().toString();
            List<String> values = to.get(name);
            if (values == null) {
                to.put(name, List.of(value));
            } else {
                List<String> more = new ArrayList<>(values.size() + 1);
                more.addAll(values);
                more.add(value);
                to.put(name, Collections.unmodifiableList(more));
            }
        }
        return to;
    }

    private static String lowerCase(CharSequence name) {
        if (name instanceof AsciiString ascii) {
            return ascii.toLowerCase().toString();
        }
        return name.toString().toLowerCase(Locale.ROOT);
    }

    private static HttpHeaders headers(ServiceResponse r) {
        HttpHeaders headers = HEADERS.newHeaders();
        for (Map.Entry<String, String> e : r.headers().entrySet()) {
            if (!isHopByHop(e.getKey())) {
                headers.add(e.getKey(), e.getValue());
            }
        }
        return headers;
    }

    private static boolean isHopByHop(String name) {
        for (int i = 0; i < HOP_BY_HOP.size(); i++) {
            if (HOP_BY_HOP.get(i).equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static void connectionHeader(HttpHeaders headers, boolean http10, boolean keepAlive) {
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    private static byte[] bytes(ServiceResponse inMemory) {
        try {
            return inMemory.body().readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("an in-memory body cannot fail to be read", e);
        }
    }
}
