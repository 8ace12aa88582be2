package dev.hearth.agent;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store and forward: messages produced while the broker is away, one file each in a directory,
 * named by a sequence number so that they go out in the order they were made, after a restart too.
 * Bounded: when full, the oldest telemetry is dropped to make room; replies are never dropped (a
 * full outbox of replies takes more replies and refuses new telemetry). Files are written without
 * fsync: they survive a restart of the userland, not a power cut. Thread-safe.
 */
final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private record Entry(long sequence, OutboundMessage.Kind kind, Path file) { }

    private final Path directory;
    private final int capacity;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long nextSequence;
    private long dropped;

    Outbox(Path directory, int capacity) {
        this.directory = directory;
        this.capacity = capacity;
        try {
            Files.createDirectories(directory);
            try (Stream<Path> files = Files.list(directory)) {
                files.filter(f -> f.getFileName().toString().matches("\\d{19}\\.[tr]"))
                        .sorted().forEach(f -> entries.add(entry(f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("outbox: cannot open " + directory, e);
        }
        nextSequence = entries.isEmpty() ? 0 : entries.peekLast().sequence + 1;
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

    /** Keeps a message; returns false when it was telemetry that found the outbox full of replies. */
    synchronized boolean add(OutboundMessage m) {
        if (entries.size() >= capacity && !dropOldestTelemetry()) {
            if (m.kind() == OutboundMessage.Kind.TELEMETRY) {
                dropped++;
                return false;
            }
        }
        long seq = nextSequence++;
        Path file = directory.resolve(String.format("%019d.%s", seq, m.kind() == OutboundMessage.Kind.REPLY ? "r" : "t"));
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeUTF(m.topic());
            out.writeInt(m.payload().length);
            out.write(m.payload());
        } catch (IOException e) {
            throw new UncheckedIOException("outbox: cannot write " + file, e);
        }
        entries.add(new Entry(seq, m.kind(), file));
        return true;
    }

    /** The oldest message, not removed. */
    synchronized Optional<OutboundMessage> peek() {
        Entry e = entries.peekFirst();
        if (e == null) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(Files.newInputStream(e.file))) {
            String topic = in.readUTF();
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            return Optional.of(new OutboundMessage(e.kind, topic, payload));
        } catch (IOException ex) {
            LOG.warn("outbox: dropping unreadable {}: {}", e.file.getFileName(), ex.toString());
            removeFirst();
            return peek();
        }
    }

    /** Removes the oldest message, once it is sent. */
    synchronized void removeFirst() {
        Entry e = entries.pollFirst();
        if (e != null) {
            delete(e.file);
        }
    }

    private boolean dropOldestTelemetry() {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.kind == OutboundMessage.Kind.TELEMETRY) {
                it.remove();
                delete(e.file);
                dropped++;
                return true;
            }
        }
        return false;
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("outbox: cannot delete " + file, e);
        }
    }

    private static Entry entry(Path f) {
        String name = f.getFileName().toString();
        return new Entry(Long.parseLong(name.substring(0, 19)),
                name.endsWith(".r") ? OutboundMessage.Kind.REPLY : OutboundMessage.Kind.TELEMETRY, f);
    }
}
