package dev.hearth.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 listener on Netty (NIO transport): the plumbing the gateway and the admin endpoint
 * share. It binds, accepts, and gives each connection a pipeline of {@link ClientDeadline} (raw
 * bytes), the HTTP codec, and an {@link HttpConnection} that hands requests to a {@link Responder}.
 *
 * <p>Threads: one event loop accepts; {@code ioThreads} event loops serve connections (one shared
 * loop when {@code ioThreads} is 1); response bodies that must be streamed are pumped by a bounded
 * pool of stream threads. All are daemons named after the listener.
 */
final class HttpListener {

    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);

    /** How long {@link #close} lets requests in flight finish before closing their connections. */
    static final long CLOSE_GRACE_MILLIS = 2_000;
    /** Response bodies streamed at once; one more is answered 503. */
    static final int MAX_STREAMS = 128;
    /** Request body chunks the decoder hands over at most (the body buffer holds a few). */
    static final int MAX_CHUNK_SIZE = 16 * 1024;

    private final ListenerSettings settings;
    private final Responder responder;
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile ListenerState state = ListenerState.NEW;
    private volatile boolean closing;
    private EventLoopGroup acceptor;
    private EventLoopGroup workers;
    private ThreadPoolExecutor streams;
    private Channel server;
    private int port;

    HttpListener(ListenerSettings settings, Responder responder) {
        this.settings = settings;
        this.responder = responder;
    }

    String name() {
        return settings.name();
    }

    ListenerState state() {
        return state;
    }

    int readTimeoutMillis() {
        return settings.readTimeoutMillis();
    }

    /** Binds and starts serving. Legal once, when NEW; a failure leaves the listener CLOSED. */
    synchronized void start() {
        if (state != ListenerState.NEW) {
            throw new IllegalStateException(name() + " is " + state + "; only a NEW one can start");
        }
        String threads = "hearth-" + name().replace(' ', '-');
        int ioThreads = settings.effectiveIoThreads();
        acceptor = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory(threads + (ioThreads == 1 ? "-io" : "-accept"), true), NioIoHandler.newFactory());
        workers = ioThreads == 1 ? acceptor : new MultiThreadIoEventLoopGroup(ioThreads,
                new DefaultThreadFactory(threads + "-io", true), NioIoHandler.newFactory());
        streams = new ThreadPoolExecutor(0, MAX_STREAMS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                new DefaultThreadFactory(threads + "-stream", true));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        ClientDeadline deadline = new ClientDeadline(settings.readTimeoutMillis());
                        channel.pipeline().addLast(deadline, new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(settings.maxInitialLineLength())
                                        .setMaxHeaderSize(settings.maxHeaderSize())
                                        .setMaxChunkSize(MAX_CHUNK_SIZE)),
                                new HttpConnection(HttpListener.this, responder, deadline));
                    }
                });
        try {
            server = bootstrap.bind(settings.host(), settings.port()).syncUninterruptibly().channel();
        } catch (Exception e) { // bind failures arrive as checked exceptions, rethrown unchecked by Netty
            release();
            state = ListenerState.CLOSED;
            throw new IllegalStateException(name() + ": cannot listen on " + settings.host() + ":" + settings.port()
                    + ": " + e.getMessage(), e);
        }
        port = ((InetSocketAddress) server.localAddress()).getPort();
        state = ListenerState.RUNNING;
        LOG.info("{} listening on {}:{}", name(), settings.host(), port);
    }

    /** The bound port. Legal when RUNNING. */
    int port() {
        ListenerState now = state;
        if (now != ListenerState.RUNNING) {
            throw new IllegalStateException(name() + " is " + now + "; it has a port only while RUNNING");
        }
        return port;
    }

    /**
     * Stops accepting, lets requests in flight finish for up to {@link #CLOSE_GRACE_MILLIS}, closes
     * every connection and releases the threads. Idempotent. Must not be called on one of its event loops.
     */
    synchronized void close() {
        ListenerState was = state;
        state = ListenerState.CLOSED;
        if (was != ListenerState.RUNNING) {
            return;
        }
        closing = true;
        server.close().syncUninterruptibly();
        for (HttpConnection connection : connections) {
            connection.closeWhenIdle();
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_GRACE_MILLIS);
        for (HttpConnection connection : connections) {
            long left = until - System.nanoTime();
            if (left > 0) {
                connection.channel().closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
            }
        }
        for (HttpConnection connection : connections) {
            connection.channel().close();
        }
        release();
        LOG.info("{} closed", name());
    }

    boolean closing() {
        return closing;
    }

    Executor streams() {
        return streams;
    }

    void opened(HttpConnection connection) {
        connections.add(connection);
        if (closing) {
            connection.closeWhenIdle();
        }
    }

    void closed(HttpConnection connection) {
        connections.remove(connection);
    }

    private void release() {
        if (workers != acceptor) {
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        streams.shutdownNow();
    }
}
