package dev.hearth.bench;

import dev.hearth.isolation.Instance;
import dev.hearth.service.ServiceRequest;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * The baseline for the gateway's overhead: the same Netty HTTP/1.1 transport calling one instance
 * directly, with no routing, no supervisor and no streaming.
 */
final class DirectHttpServer implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel channel;

    DirectHttpServer(Instance instance) throws InterruptedException {
        channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        byte[] body = new byte[req.content().readableBytes()];
                                        req.content().readBytes(body);
                                        ServiceRequest request = new ServiceRequest(req.method().name(), "/", "",
                                                Map.of(), new ByteArrayInputStream(body), body.length);
                                        instance.handle(request).whenComplete((response, error) -> {
                                            FullHttpResponse out;
                                            try {
                                                byte[] bytes = response.body().readAllBytes();
                                                out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                        HttpResponseStatus.valueOf(response.status()),
                                                        Unpooled.wrappedBuffer(bytes));
                                            } catch (IOException e) {
                                                throw new UncheckedIOException(e);
                                            }
                                            out.headers().set(HttpHeaderNames.CONTENT_LENGTH, out.content().readableBytes());
                                            response.headers().forEach(out.headers()::set);
                                            ctx.writeAndFlush(out);
                                        });
                                    }
                                });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
