package dev.hearth.isolation.crun;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The last lines of one container, oldest first, for {@code logTail}: what the service wrote to
 * stdout and stderr, and the driver's own words about it (started, stopping, exited). Bounded: the
 * oldest line is dropped when a new one arrives and the ring is full.
 */
final class LogRing {

    private final String[] lines;
    private int next;
    private int size;

    LogRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a log ring holds at least one line, was " + capacity);
        }
        lines = new String[capacity];
    }

    /** Adds one line, stamped with the current instant. */
    void add(String event) {
        String line = Instant.now() + " " + event;
        synchronized (this) {
            lines[next] = line;
            next = (next + 1) % lines.length;
            if (size < lines.length) {
                size++;
            }
        }
    }

    /** Up to {@code maxLines} of the newest lines, oldest first. */
    List<String> tail(int maxLines) {
        if (maxLines < 0) {
            throw new IllegalArgumentException("maxLines must not be negative, was " + maxLines);
        }
        synchronized (this) {
            int count = Math.min(maxLines, size);
            List<String> tail = new ArrayList<>(count);
            for (int i = count; i > 0; i--) {
                tail.add(lines[Math.floorMod(next - i, lines.length)]);
            }
            return List.copyOf(tail);
        }
    }
}
