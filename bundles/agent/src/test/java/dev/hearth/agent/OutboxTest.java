package dev.hearth.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Store and forward on disk: bounds, order, restarts and power cuts. */
class OutboxTest {

    @TempDir
    Path dir;

    @Test
    void messagesComeOutInTheOrderTheyWentInAlsoAfterReopeningTheDirectory() {
        try (Outbox box = new Outbox(dir, 100)) {
            box.add(reply("r1"));
            box.add(telemetry("t1"));
            box.add(reply("r2"));
        }
        try (Outbox box = new Outbox(dir, 100)) {
            assertEquals(3, box.size());
            assertEquals(List.of("r1", "t1"), drain(box, 2));
            box.add(telemetry("t2"));
        }
        try (Outbox box = new Outbox(dir, 100)) {
            assertEquals(List.of("r2", "t2"), drain(box, 10));
            assertTrue(box.isEmpty());
        }
    }

    @Test
    void aSentMessageStaysSentAfterReopening() {
        try (Outbox box = new Outbox(dir, 100)) {
            box.add(reply("r1"));
            box.add(reply("r2"));
            box.removeFirst();
        }
        try (Outbox box = new Outbox(dir, 100)) {
            assertEquals(List.of("r2"), drain(box, 10));
        }
    }

    @Test
    void whenFullTheOldestTelemetryGoesFirstAndRepliesNever() {
        try (Outbox box = new Outbox(dir, 3)) {
            assertTrue(box.add(telemetry("t1")));
            assertTrue(box.add(reply("r1")));
            assertTrue(box.add(telemetry("t2")));
            assertTrue(box.add(telemetry("t3")));   // drops t1
            assertTrue(box.add(reply("r2")));       // drops t2
            assertTrue(box.add(reply("r3")));       // drops t3
            assertFalse(box.add(telemetry("t4")), "telemetry is refused when only replies wait");
            assertTrue(box.add(reply("r4")), "a reply is taken even beyond capacity");
            assertEquals(4, box.dropped());
        }
        try (Outbox box = new Outbox(dir, 3)) {
            assertEquals(List.of("r1", "r2", "r3", "r4"), drain(box, 10));
        }
    }

    @Test
    void deviceEventsAreKeptLikeRepliesWhenFullAndComeBackAsEventsAfterReopening() {
        try (Outbox box = new Outbox(dir, 2)) {
            assertTrue(box.add(event("e1")));
            assertTrue(box.add(telemetry("t1")));
            assertTrue(box.add(event("e2")));       // drops t1
            assertFalse(box.add(telemetry("t2")), "telemetry is refused when only events wait");
            assertTrue(box.add(event("e3")), "an event is taken even beyond capacity");
        }
        try (Outbox box = new Outbox(dir, 2)) {
            assertEquals(OutboundMessage.Kind.EVENT, box.peek().orElseThrow().kind());
            assertEquals(List.of("e1", "e2", "e3"), drain(box, 10));
        }
    }

    @Test
    void telemetryDroppedFromTheMiddleStaysDroppedAfterReopening() {
        try (Outbox box = new Outbox(dir, 2)) {
            box.add(reply("r1"));
            box.add(telemetry("t1"));
            box.add(telemetry("t2")); // drops t1, which sits behind r1
        }
        try (Outbox box = new Outbox(dir, 2)) {
            assertEquals(List.of("r1", "t2"), drain(box, 10));
        }
    }

    @Test
    void aLastRecordTornByAPowerCutIsDroppedAndTheRecordsBeforeItSurvive() throws IOException {
        try (Outbox box = new Outbox(dir, 100)) {
            box.add(reply("r1"));
            box.add(reply("r2"));
            box.add(reply("r3"));
        }
        Path file = dir.resolve(Outbox.FILE);
        long size = Files.size(file);
        for (long cut : new long[] {size - 1, size - 10, size - 25}) {
            Path copy = Files.createTempDirectory(dir, "cut");
            Files.copy(file, copy.resolve(Outbox.FILE));
            try (FileChannel c = FileChannel.open(copy.resolve(Outbox.FILE), StandardOpenOption.WRITE)) {
                c.truncate(cut);
            }
            try (Outbox box = new Outbox(copy, 100)) {
                assertEquals(2, box.size(), "records before the torn one, cut at " + cut);
                box.add(reply("r4")); // written where the torn record began
            }
            try (Outbox box = new Outbox(copy, 100)) {
                assertEquals(List.of("r1", "r2", "r4"), drain(box, 10), "cut at " + cut);
            }
        }
    }

    @Test
    void aLastRecordWithABadChecksumIsDroppedAndTheRecordsBeforeItSurvive() throws IOException {
        try (Outbox box = new Outbox(dir, 100)) {
            box.add(reply("r1"));
            box.add(reply("r2"));
        }
        Path file = dir.resolve(Outbox.FILE);
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            long at = c.size() - 2; // inside the last payload: written, but not what was meant
            c.read(last, at);
            c.write(ByteBuffer.wrap(new byte[] {(byte) (last.get(0) ^ 0x5a)}), at);
        }
        try (Outbox box = new Outbox(dir, 100)) {
            assertEquals(List.of("r1"), drain(box, 10));
        }
    }

    @Test
    void theFileStaysSmallWhileMessagesComeAndGoAndIsEmptyOnceAllAreSent() throws IOException {
        Path file = dir.resolve(Outbox.FILE);
        try (Outbox box = new Outbox(dir, 10)) {
            box.add(reply("kept"));
            byte[] big = new byte[1_000];
            for (int i = 0; i < 20_000; i++) {
                box.add(new OutboundMessage(OutboundMessage.Kind.TELEMETRY, "t/" + i, big));
            }
            assertEquals(10, box.size());
            assertTrue(Files.size(file) < 3 * (1 << 20), "the file was compacted: " + Files.size(file) + " bytes");
        }
        try (Outbox box = new Outbox(dir, 10)) {
            assertEquals(10, box.size());
            assertEquals("kept", box.peek().orElseThrow().topic());
            drain(box, 10);
            assertTrue(box.isEmpty());
        }
        assertEquals(0, Files.size(file));
    }

    private static List<String> drain(Outbox box, int count) {
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < count && !box.isEmpty(); i++) {
            OutboundMessage m = box.peek().orElseThrow();
            if (m.payload().length < 100) {
                assertEquals(m.topic(), new String(m.payload(), StandardCharsets.UTF_8), "payload of " + m.topic());
            }
            topics.add(m.topic());
            box.removeFirst();
        }
        return topics;
    }

    private static OutboundMessage reply(String name) {
        return new OutboundMessage(OutboundMessage.Kind.REPLY, name, name.getBytes(StandardCharsets.UTF_8));
    }

    private static OutboundMessage event(String name) {
        return new OutboundMessage(OutboundMessage.Kind.EVENT, name, name.getBytes(StandardCharsets.UTF_8));
    }

    private static OutboundMessage telemetry(String name) {
        return new OutboundMessage(OutboundMessage.Kind.TELEMETRY, name, name.getBytes(StandardCharsets.UTF_8));
    }
}
