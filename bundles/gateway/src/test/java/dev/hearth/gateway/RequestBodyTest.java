package dev.hearth.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RequestBodyTest {

    private final AtomicInteger wanted = new AtomicInteger();
    private final AtomicInteger drained = new AtomicInteger();
    private final RequestBody body = new RequestBody(new RequestBody.Demand() {
        @Override
        public void wanted() {
            wanted.incrementAndGet();
        }

        @Override
        public void drained() {
            drained.incrementAndGet();
        }
    });

    @Test
    void chunksAreReadInOrderAndTheEndIsMinusOne() throws IOException {
        body.offer(ascii("hello "));
        body.offer(ascii("world"));
        body.end();

        assertEquals("hello world", new String(body.readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(-1, body.read());
    }

    @Test
    void aReaderWaitsForTheNextChunk() throws Exception {
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(body.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Services.awaitCondition("the reader asking for the body", () -> wanted.get() == 1);
        assertFalse(read.isDone());

        body.offer(ascii("late"));
        body.end();

        assertEquals("late", read.get(5, TimeUnit.SECONDS));
    }

    @Test
    void theBufferSaysFullAtTheHighMarkAndDrainedAtTheLowMark() throws IOException {
        int chunk = 8 * 1024;
        boolean full = false;
        int offered = 0;
        while (!full) {
            full = body.offer(Unpooled.wrappedBuffer(new byte[chunk]));
            offered += chunk;
        }
        assertEquals(RequestBody.HIGH_MARK, offered);

        body.readNBytes(offered - RequestBody.LOW_MARK - 1);
        assertEquals(0, drained.get(), "still above the low mark");
        body.read();
        assertEquals(1, drained.get(), "drained to the low mark");
    }

    @Test
    void aFailedBodyTellsTheReaderWhy() {
        body.offer(ascii("partial"));
        body.fail("the client closed the connection");

        IOException failure = assertThrows(IOException.class, body::readAllBytes);
        assertTrue(failure.getMessage().contains("the client closed the connection"), failure.getMessage());
    }

    @Test
    void closingReleasesWhatIsBufferedAndDiscardsWhatComesLater() {
        ByteBuf early = ascii("early");
        ByteBuf late = ascii("late");
        body.offer(early);

        body.close();
        body.offer(late);

        assertEquals(0, early.refCnt());
        assertEquals(0, late.refCnt());
        assertThrows(IOException.class, body::read);
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }
}
