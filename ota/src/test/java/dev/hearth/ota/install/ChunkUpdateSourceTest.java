package dev.hearth.ota.install;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.ota.Sha256;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class ChunkUpdateSourceTest {

    static final byte[] BUNDLE = bytes(10_000);

    @Test
    void chunksInOrderAreReadBackWholeAndTheStreamEndsAfterTheLast() throws Exception {
        ChunkUpdateSource source = source(BUNDLE, 4_000, 100_000, Duration.ofSeconds(5));
        InputStream in = source.open();
        for (int off = 0; off < BUNDLE.length; off += 4_000) {
            ChunkReceipt r = source.accept(off, Arrays.copyOfRange(BUNDLE, off, Math.min(BUNDLE.length, off + 4_000)));
            assertInstanceOf(ChunkReceipt.Accepted.class, r, r.toString());
        }
        assertEquals(TransferState.COMPLETE, source.state());
        assertArrayEquals(BUNDLE, in.readAllBytes());
        in.close();
        assertEquals(TransferState.ENDED, source.state());
    }

    @Test
    void duplicateOutOfOrderEmptyOversizedAndPastTheEndChunksAreRejectedAndChangeNothing() throws Exception {
        ChunkUpdateSource source = source(BUNDLE, 4_000, 100_000, Duration.ofSeconds(5));
        InputStream in = source.open();
        assertInstanceOf(ChunkReceipt.Accepted.class, source.accept(0, Arrays.copyOfRange(BUNDLE, 0, 4_000)));
        assertRejected(source.accept(0, Arrays.copyOfRange(BUNDLE, 0, 4_000)), "duplicate chunk at 0");
        assertRejected(source.accept(8_000, Arrays.copyOfRange(BUNDLE, 8_000, 10_000)), "out of order at 8000, next expected 4000");
        assertRejected(source.accept(4_000, new byte[0]), "empty chunk");
        assertRejected(source.accept(4_000, new byte[4_001]), "exceeds the largest taken, 4000");
        assertEquals(4_000, source.received(), "nothing rejected counted");
        assertInstanceOf(ChunkReceipt.Accepted.class, source.accept(4_000, Arrays.copyOfRange(BUNDLE, 4_000, 8_000)));
        assertRejected(source.accept(8_000, new byte[3_000]), "goes past the bundle's 10000 bytes");
        assertInstanceOf(ChunkReceipt.Accepted.class, source.accept(8_000, Arrays.copyOfRange(BUNDLE, 8_000, 10_000)));
        assertArrayEquals(BUNDLE, in.readAllBytes());
    }

    @Test
    void aFullPipeHoldsTheSenderUntilTheReaderTakesBytes() throws Exception {
        ChunkUpdateSource source = source(BUNDLE, 2_500, 5_000, Duration.ofSeconds(10));
        InputStream in = source.open();
        source.accept(0, Arrays.copyOfRange(BUNDLE, 0, 2_500));
        source.accept(2_500, Arrays.copyOfRange(BUNDLE, 2_500, 5_000));
        Thread[] sender = new Thread[1];
        CompletableFuture<ChunkReceipt> third = CompletableFuture.supplyAsync(() -> {
            sender[0] = Thread.currentThread();
            try {
                return source.accept(5_000, Arrays.copyOfRange(BUNDLE, 5_000, 7_500));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((sender[0] == null || sender[0].getState() != Thread.State.TIMED_WAITING) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        assertFalse(third.isDone(), "the third chunk waits for room in the pipe");
        byte[] first = in.readNBytes(2_500);
        assertArrayEquals(Arrays.copyOfRange(BUNDLE, 0, 2_500), first);
        assertInstanceOf(ChunkReceipt.Accepted.class, third.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aReaderThatGetsNoChunkWithinTheIdleTimeoutFailsAndTheTransferEnds() throws Exception {
        ChunkUpdateSource source = source(BUNDLE, 4_000, 100_000, Duration.ofMillis(200));
        InputStream in = source.open();
        source.accept(0, Arrays.copyOfRange(BUNDLE, 0, 4_000));
        assertEquals(4_000, in.readNBytes(4_000).length);
        UpdateSourceException e = assertThrows(UpdateSourceException.class, in::read);
        assertTrue(e.getMessage().contains("no chunk for 200 ms at byte 4000 of 10000: the sender went away"), e.getMessage());
        assertEquals(TransferState.ENDED, source.state());
        assertRejected(source.accept(4_000, Arrays.copyOfRange(BUNDLE, 4_000, 8_000)), "is ENDED");
    }

    @Test
    void aWrongWholeSha256EndsTheTransferBeforeTheReaderSeesTheLastChunk() throws Exception {
        byte[] tampered = BUNDLE.clone();
        tampered[9_999] ^= 1;
        ChunkUpdateSource source = source(BUNDLE, 5_000, 100_000, Duration.ofSeconds(5));
        InputStream in = source.open();
        source.accept(0, Arrays.copyOfRange(tampered, 0, 5_000));
        assertRejected(source.accept(5_000, Arrays.copyOfRange(tampered, 5_000, 10_000)), "the SHA-256 of the 10000 bytes received is");
        UpdateSourceException e = assertThrows(UpdateSourceException.class, in::readAllBytes);
        assertTrue(e.getMessage().contains("announced"), e.getMessage());
    }

    @Test
    void aReaderThatStopsReadingEndsTheTransferAndLaterChunksAreRejected() throws Exception {
        ChunkUpdateSource source = source(BUNDLE, 4_000, 100_000, Duration.ofSeconds(5));
        InputStream in = source.open();
        source.accept(0, Arrays.copyOfRange(BUNDLE, 0, 4_000));
        in.close();
        assertRejected(source.accept(4_000, Arrays.copyOfRange(BUNDLE, 4_000, 8_000)), "the installer stopped reading");
        assertThrows(IllegalStateException.class, source::open, "a transfer is read once");
    }

    private static void assertRejected(ChunkReceipt r, String why) {
        ChunkReceipt.Rejected rejected = assertInstanceOf(ChunkReceipt.Rejected.class, r);
        assertTrue(rejected.reason().contains(why), rejected.reason());
    }

    private static ChunkUpdateSource source(byte[] bundle, int maxChunk, long capacity, Duration idle) {
        return new ChunkUpdateSource("t1", bundle.length, sha256(bundle), maxChunk, capacity, idle);
    }

    static byte[] sha256(byte[] b) {
        return Sha256.newDigest().digest(b);
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(7).nextBytes(b);
        return b;
    }
}
