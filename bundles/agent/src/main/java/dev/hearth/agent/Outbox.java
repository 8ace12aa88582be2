package dev.hearth.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store and forward: messages produced while the broker is away, kept in order in one append-only
 * file, {@code <directory>/outbox.log}, and sent in that order after a reconnect or a restart.
 *
 * <p>Bounded: when {@code capacity} messages wait, the oldest telemetry is dropped to make room;
 * replies and device events are never dropped (a full outbox of them takes more and refuses telemetry).
 *
 * <p>The file is a sequence of records, each {@code type(1) kind(1) sequence(8) length(4) crc(4)
 * body(length)}, the CRC-32C covering everything but itself. A {@code D} record holds a message
 * (body: topic length(4), topic UTF-8, payload); an {@code X} record says that the message with
 * its sequence number was sent or dropped. Opening replays the file; the first record that is
 * short or fails its CRC is a write torn by a power cut: it and anything after it are cut off,
 * and every record before it counts. A reply or device event (kind {@code r}, {@code e}; telemetry {@code t}) is forced to the disk before {@link #add} returns;
 * telemetry and {@code X} records are not (a power cut may lose recent telemetry, or send a reply
 * twice: at least once). The file is truncated when the outbox empties and rewritten (to a new
 * file, forced, renamed over the old) when mostly dead. Thread-safe.
 */
final class Outbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    static final String FILE = "outbox.log";
    static final int HEADER = 18;
    private static final byte DATA = 'D';
    private static final byte REMOVED = 'X';
    private static final int MAX_BODY = 64 << 20;
    /** Rewrite when the file is larger than this and more than half of it is dead. */
    private static final long COMPACT_MIN_BYTES = 1 << 20;

    private record Entry(long sequence, OutboundMessage.Kind kind, long offset, int length) { }

    private final Path directory;
    private final Path file;
    private final int capacity;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private FileChannel channel;
    private long end;
    private long liveBytes;
    private long nextSequence;
    private long dropped;

    Outbox(Path directory, int capacity) {
        this.directory = directory;
        this.file = directory.resolve(FILE);
        this.capacity = capacity;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            replay();
        } catch (IOException e) {
            throw new UncheckedIOException("outbox: cannot open " + file, e);
        }
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Telemetry dropped to keep within capacity since this outbox was opened. */
    synchronized long dropped() {
        return dropped;
    }

    /**
     * Keeps a message; a reply or event is on the disk when this returns. Returns false when it was
     * telemetry that found the outbox full of replies.
     */
    synchronized boolean add(OutboundMessage m) {
        if (entries.size() >= capacity && !dropOldestTelemetry()) {
            if (m.kind() == OutboundMessage.Kind.TELEMETRY) {
                dropped++;
                return false;
            }
        }
        byte[] topic = m.topic().getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(4 + topic.length + m.payload().length);
        body.putInt(topic.length).put(topic).put(m.payload()).flip();
        long seq = nextSequence++;
        long offset = append(DATA, m.kind(), seq, body);
        if (m.kind().kept()) {
            force();
        }
        entries.add(new Entry(seq, m.kind(), offset, body.capacity()));
        liveBytes += HEADER + body.capacity();
        return true;
    }

    /** The oldest message, not removed. */
    synchronized Optional<OutboundMessage> peek() {
        Entry e = entries.peekFirst();
        if (e == null) {
            return Optional.empty();
        }
        ByteBuffer body = read(e.offset + HEADER, e.length);
        byte[] topic = new byte[body.getInt()];
        body.get(topic);
        byte[] payload = new byte[body.remaining()];
        body.get(payload);
        return Optional.of(new OutboundMessage(e.kind, new String(topic, StandardCharsets.UTF_8), payload));
    }

    /** Removes the oldest message, once it is sent. */
    synchronized void removeFirst() {
        Entry e = entries.pollFirst();
        if (e != null) {
            removed(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("outbox: cannot close " + file, e);
        }
    }

    // ---- the file -----------------------------------------------------------------------------

    private boolean dropOldestTelemetry() {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.kind == OutboundMessage.Kind.TELEMETRY) {
                it.remove();
                removed(e);
                dropped++;
                return true;
            }
        }
        return false;
    }

    private void removed(Entry e) {
        liveBytes -= HEADER + e.length;
        try {
            if (entries.isEmpty()) {
                channel.truncate(0);
                end = 0;
                return;
            }
            append(REMOVED, e.kind, e.sequence, ByteBuffer.allocate(0));
            if (end > COMPACT_MIN_BYTES && end > 2 * liveBytes) {
                compact();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("outbox: cannot update " + file, ex);
        }
    }

    private long append(byte type, OutboundMessage.Kind kind, long seq, ByteBuffer body) {
        ByteBuffer record = record(type, kind, seq, body);
        long offset = end;
        try {
            long at = offset;
            while (record.hasRemaining()) {
                at += channel.write(record, at);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("outbox: cannot append to " + file, e);
        }
        end = offset + record.capacity();
        return offset;
    }

    private static ByteBuffer record(byte type, OutboundMessage.Kind kind, long seq, ByteBuffer body) {
        ByteBuffer r = ByteBuffer.allocate(HEADER + body.remaining());
        r.put(type).put(code(kind)).putLong(seq).putInt(body.remaining());
        r.putInt(crc(r.array(), body.duplicate()));
        r.put(body.duplicate()).flip();
        return r;
    }

    private static byte code(OutboundMessage.Kind kind) {
        return switch (kind) {
            case REPLY -> (byte) 'r';
            case EVENT -> (byte) 'e';
            case TELEMETRY -> (byte) 't';
        };
    }

    private static int crc(byte[] header, ByteBuffer body) {
        CRC32C crc = new CRC32C();
        crc.update(header, 0, HEADER - 4);
        crc.update(body);
        return (int) crc.getValue();
    }

    private void force() {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("outbox: cannot force " + file + " to the disk", e);
        }
    }

    private ByteBuffer read(long position, int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        try {
            while (b.hasRemaining()) {
                if (channel.read(b, position + b.position()) < 0) {
                    throw new IOException("unexpected end of file at " + (position + b.position()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("outbox: cannot read " + file, e);
        }
        return b.flip();
    }

    /** Reads every record; cuts the file at the first torn one. */
    private void replay() throws IOException {
        long size = channel.size();
        Map<Long, Entry> live = new LinkedHashMap<>();
        long pos = 0;
        long maxSeq = -1;
        String torn = "";
        while (pos < size) {
            if (size - pos < HEADER) {
                torn = "a header cut short";
                break;
            }
            ByteBuffer h = read(pos, HEADER);
            byte type = h.get();
            byte kind = h.get();
            long seq = h.getLong();
            int length = h.getInt();
            int crc = h.getInt();
            if ((type != DATA && type != REMOVED) || (kind != 'r' && kind != 't' && kind != 'e') || length < 0 || length > MAX_BODY) {
                torn = "a header that is not one";
                break;
            }
            if (size - pos - HEADER < length) {
                torn = "a body cut short";
                break;
            }
            ByteBuffer body = read(pos + HEADER, length);
            if (crc(h.array(), body) != crc) {
                torn = "a record failing its CRC";
                break;
            }
            OutboundMessage.Kind k = kind == 'r' ? OutboundMessage.Kind.REPLY
                    : kind == 'e' ? OutboundMessage.Kind.EVENT : OutboundMessage.Kind.TELEMETRY;
            if (type == DATA) {
                live.put(seq, new Entry(seq, k, pos, length));
            } else {
                live.remove(seq);
            }
            maxSeq = Math.max(maxSeq, seq);
            pos += HEADER + length;
        }
        if (pos < size) {
            LOG.warn("outbox: {} at byte {} of {} (a write cut by a power cut); the {} bytes from there are dropped",
                    torn, pos, file, size - pos);
            channel.truncate(pos);
            channel.force(true);
        }
        end = pos;
        entries.addAll(live.values());
        live.values().forEach(e -> liveBytes += HEADER + e.length);
        nextSequence = maxSeq + 1;
    }

    /** Writes the live records to a new file, forces it, and renames it over the old one. */
    private void compact() throws IOException {
        Path next = directory.resolve(FILE + ".next");
        ArrayDeque<Entry> moved = new ArrayDeque<>();
        long at = 0;
        try (FileChannel out = FileChannel.open(next, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (Entry e : entries) {
                ByteBuffer record = record(DATA, e.kind, e.sequence, read(e.offset + HEADER, e.length));
                moved.add(new Entry(e.sequence, e.kind, at, e.length));
                while (record.hasRemaining()) {
                    at += out.write(record, at);
                }
            }
            out.force(true);
        }
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
        channel.close();
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        entries.clear();
        entries.addAll(moved);
        end = at;
    }
}
