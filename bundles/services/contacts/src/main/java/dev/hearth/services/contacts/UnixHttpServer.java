package dev.hearth.services.contacts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * HTTP/1.1 on a Unix domain socket: one request per connection, answered and closed (the Hearth
 * contract for container services). The JDK's own HTTP server cannot listen on a Unix socket, so
 * connections are plain blocking JDK channels, and Netty's HTTP codec (in an {@link EmbeddedChannel},
 * no event loop) parses requests and writes responses. Connections are served by a small pool.
 */
final class UnixHttpServer implements AutoCloseable {

    /** Where the server stands. */
    enum State {
        NEW,
        SERVING,
        CLOSED
    }

    /** The largest request body accepted, in bytes. */
    static final int MAX_BODY = 64 * 1024;

    private final Path socket;
    private final Function<FullHttpRequest, FullHttpResponse> handler;
    private final ExecutorService connections;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private volatile ServerSocketChannel listener;

    UnixHttpServer(Path socket, int threads, Function<FullHttpRequest, FullHttpResponse> handler) {
        this.socket = socket;
        this.handler = handler;
        AtomicInteger count = new AtomicInteger();
        this.connections = Executors.newFixedThreadPool(threads, work -> {
            Thread thread = new Thread(work, "http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    State state() {
        return state.get();
    }

    /** Binds the socket (replacing a stale file) and listens; returns once it accepts connections. */
    void bind() throws IOException {
        if (!state.compareAndSet(State.NEW, State.SERVING)) {
            throw new IllegalStateException("the server cannot bind: it is " + state.get());
        }
        Files.deleteIfExists(socket);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(socket), 64);
        listener = channel;
    }

    /** Accepts connections until {@link #close()}. */
    void serve() throws IOException {
        if (state.get() != State.SERVING) {
            throw new IllegalStateException("the server cannot serve: it is " + state.get());
        }
        try {
            while (true) {
                SocketChannel connection = listener.accept();
                connections.execute(() -> answer(connection));
            }
        } catch (AsynchronousCloseException closed) {
            // close() ended the accept loop
        }
    }

    private void answer(SocketChannel connection) {
        EmbeddedChannel codec = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY));
        try (connection) {
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            FullHttpRequest request = null;
            while (request == null) {
                buffer.clear();
                if (connection.read(buffer) < 0) {
                    return;
                }
                buffer.flip();
                codec.writeInbound(Unpooled.copiedBuffer(buffer));
                request = codec.readInbound();
                // An oversized or malformed request is answered by the aggregator/codec (413/400).
                if (request == null) {
                    flush(codec, connection);
                    if (!codec.isOpen()) {
                        return;
                    }
                }
            }
            try {
                FullHttpResponse response = request.decoderResult().isFailure()
                        ? new io.netty.handler.codec.http.DefaultFullHttpResponse(request.protocolVersion(),
                        io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST)
                        : handler.apply(request);
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                codec.writeOutbound(response);
                flush(codec, connection);
            } finally {
                request.release();
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("contacts: a connection failed: " + e.getClass().getSimpleName());
        } finally {
            codec.finishAndReleaseAll();
        }
    }

    private static void flush(EmbeddedChannel codec, SocketChannel connection) throws IOException {
        for (Object out = codec.readOutbound(); out != null; out = codec.readOutbound()) {
            ByteBuf bytes = (ByteBuf) out;
            try {
                ByteBuffer nio = bytes.nioBuffer();
                while (nio.hasRemaining()) {
                    connection.write(nio);
                }
            } finally {
                bytes.release();
            }
        }
    }

    /** Stops accepting, lets connections in progress finish briefly, removes the socket. */
    @Override
    public void close() throws IOException {
        if (state.getAndSet(State.CLOSED) == State.CLOSED) {
            return;
        }
        ServerSocketChannel channel = listener;
        if (channel != null) {
            channel.close();
        }
        connections.shutdown();
        try {
            connections.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(socket);
    }
}
