package dev.hearth.isolation.crun;

import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP/1.1 request and its response over a fresh connection to a service's Unix socket. The
 * bytes are written and read with a blocking JDK {@link SocketChannel}; Netty's HTTP client codec
 * (in an {@link EmbeddedChannel}, no event loop) encodes the request and parses the response.
 */
final class UnixSocketExchange {

    /** The largest request or response body carried, in bytes. */
    static final int MAX_BODY = 16 << 20;

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length");

    private UnixSocketExchange() {
    }

    static ServiceResponse exchange(Path socket, String service, ServiceRequest request) throws IOException {
        byte[] body = readBody(request.body());
        String uri = request.query().isEmpty() ? request.path() : request.path() + "?" + request.query();
        FullHttpRequest message = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                HttpMethod.valueOf(request.method()), uri, Unpooled.wrappedBuffer(body));
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            if (!HOP_BY_HOP.contains(header.getKey())) {
                message.headers().add(header.getKey(), header.getValue());
            }
        }
        message.headers().set(HttpHeaderNames.HOST, service);
        message.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        message.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);

        EmbeddedChannel codec = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(MAX_BODY));
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            codec.writeOutbound(message);
            for (Object out = codec.readOutbound(); out != null; out = codec.readOutbound()) {
                ByteBuf bytes = (ByteBuf) out;
                try {
                    channel.write(bytes.nioBuffer());
                } finally {
                    bytes.release();
                }
            }
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            while (true) {
                FullHttpResponse response = codec.readInbound();
                if (response != null) {
                    return convert(response);
                }
                buffer.clear();
                if (channel.read(buffer) < 0) {
                    codec.finish();
                    response = codec.readInbound();
                    if (response != null) {
                        return convert(response);
                    }
                    throw new IOException("the service closed the connection without a complete response");
                }
                buffer.flip();
                codec.writeInbound(Unpooled.copiedBuffer(buffer));
            }
        } catch (RuntimeException e) {
            throw new IOException("the service broke HTTP/1.1: " + e.getMessage(), e);
        } finally {
            codec.finishAndReleaseAll();
        }
    }

    private static ServiceResponse convert(FullHttpResponse response) {
        try {
            if (response.decoderResult().isFailure()) {
                throw new IllegalStateException("unparseable response: " + response.decoderResult().cause(),
                        response.decoderResult().cause());
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (Map.Entry<String, String> header : response.headers()) {
                String name = header.getKey().toLowerCase(java.util.Locale.ROOT);
                if (!HOP_BY_HOP.contains(name)) {
                    headers.merge(name, header.getValue(), (a, b) -> a + ", " + b);
                }
            }
            byte[] body = ByteBufUtil.getBytes(response.content());
            return new ServiceResponse(response.status().code(), headers, new java.io.ByteArrayInputStream(body),
                    body.length);
        } finally {
            response.release();
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new IOException("request body larger than " + MAX_BODY + " bytes");
        }
        return body;
    }
}
