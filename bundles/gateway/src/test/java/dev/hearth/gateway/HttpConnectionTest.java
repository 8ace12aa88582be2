package dev.hearth.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * A connection's flow control, driven message by message on an embedded channel: the responder
 * here answers from the test so that the test decides when a body is read and a response written.
 */
class HttpConnectionTest {

    private final CompletableFuture<ServiceRequest> received = new CompletableFuture<>();
    private final CompletableFuture<ServiceResponse> answer = new CompletableFuture<>();

    private final Responder responder = new Responder() {
        @Override
        public CompletionStage<ServiceResponse> respond(ServiceRequest request) {
            received.complete(request);
            return answer;
        }

        @Override
        public ServiceResponse refusal(Throwable failure) {
            return JsonBody.error(500, failure.toString());
        }
    };

    private EmbeddedChannel connection() {
        ListenerSettings settings = GatewaySettings.defaults().listener();
        HttpListener listener = new HttpListener(settings, responder);
        ClientDeadline deadline = new ClientDeadline(settings.readTimeoutMillis());
        return new EmbeddedChannel(deadline, new HttpServerCodec(new HttpDecoderConfig()
                .setMaxChunkSize(HttpListener.MAX_CHUNK_SIZE)), new HttpConnection(listener, responder, deadline));
    }

    @Test
    void aRequestIsHandedOverAsSoonAsItsHeadersArrive() {
        EmbeddedChannel channel = connection();

        channel.writeInbound(ascii("POST /svc/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"));

        assertTrue(received.isDone());
        assertEquals("/svc/x", received.join().path());
        assertEquals(-1, received.join().contentLength());
        channel.finishAndReleaseAll();
    }

    @Test
    void aFullBodyBufferPausesReadingUntilTheServiceDrainsIt() throws Exception {
        EmbeddedChannel channel = connection();
        channel.writeInbound(ascii("POST /svc/ HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"));
        byte[] chunk = new byte[16 * 1024];
        Arrays.fill(chunk, (byte) 'x');

        int sent = 0;
        while (channel.config().isAutoRead()) {
            channel.writeInbound(chunk(chunk));
            sent += chunk.length;
            assertTrue(sent <= RequestBody.HIGH_MARK, "reading paused by the time the buffer was full");
        }
        assertEquals(RequestBody.HIGH_MARK, sent);

        byte[] into = new byte[RequestBody.HIGH_MARK - RequestBody.LOW_MARK];
        assertEquals(into.length, received.join().body().readNBytes(into, 0, into.length));
        channel.runPendingTasks();

        assertTrue(channel.config().isAutoRead(), "reading resumed once the body drained to the low mark");
        channel.finishAndReleaseAll();
    }

    @Test
    void aResponseCompletedOffTheConnectionIsWrittenWithItsLength() {
        EmbeddedChannel channel = connection();
        channel.writeInbound(ascii("GET /svc/ HTTP/1.1\r\nHost: h\r\n\r\n"));

        answer.complete(ServiceResponse.of(201, "text/plain", "made".getBytes(StandardCharsets.UTF_8)));
        channel.runPendingTasks();

        String written = outbound(channel);
        assertTrue(written.startsWith("HTTP/1.1 201 Created\r\n"), written);
        assertTrue(written.contains("content-length: 4\r\n"), written);
        assertTrue(written.endsWith("\r\n\r\nmade"), written);
        assertFalse(written.contains("connection: close"), written);
        channel.finishAndReleaseAll();
    }

    @Test
    void hopByHopHeadersFromAServiceAreReplacedByTheGatewaysFraming() {
        EmbeddedChannel channel = connection();
        channel.writeInbound(ascii("GET /svc/ HTTP/1.1\r\nHost: h\r\n\r\n"));

        answer.complete(new ServiceResponse(200, java.util.Map.of("Connection", "close", "Content-Length", "999",
                "X-Kept", "yes"), new java.io.ByteArrayInputStream(new byte[]{'o', 'k'}), 2));
        channel.runPendingTasks();

        String written = outbound(channel).toLowerCase();
        assertTrue(written.contains("x-kept: yes"), written);
        assertTrue(written.contains("content-length: 2\r\n"), written);
        assertFalse(written.contains("999"), written);
        assertFalse(written.contains("connection: close"), written);
        channel.finishAndReleaseAll();
    }

    @Test
    void aResponseHeaderThatWouldInjectAnotherIsAnswered502() {
        EmbeddedChannel channel = connection();
        channel.writeInbound(ascii("GET /svc/ HTTP/1.1\r\nHost: h\r\n\r\n"));

        answer.complete(new ServiceResponse(200, java.util.Map.of("X-Evil", "a\r\nSet-Cookie: stolen"),
                java.io.InputStream.nullInputStream(), 0));
        channel.runPendingTasks();

        String written = outbound(channel);
        assertTrue(written.startsWith("HTTP/1.1 502 "), written);
        assertFalse(written.contains("Set-Cookie"), written);
        channel.finishAndReleaseAll();
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    private static ByteBuf chunk(byte[] data) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeCharSequence(Integer.toHexString(data.length) + "\r\n", StandardCharsets.ISO_8859_1);
        buf.writeBytes(data);
        buf.writeCharSequence("\r\n", StandardCharsets.ISO_8859_1);
        return buf;
    }

    private static String outbound(EmbeddedChannel channel) {
        StringBuilder all = new StringBuilder();
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            ByteBuf buf = (ByteBuf) out;
            all.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return all.toString();
    }
}
