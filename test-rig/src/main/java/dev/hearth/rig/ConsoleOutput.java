package dev.hearth.rig;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a console received and sent: the unread text that {@code expect} and {@code read} consume,
 * and the timestamped transcript. Bytes come from one reader thread ({@link #received}); any
 * thread may wait on it. The mechanism that moves bytes (a socket, a tty) is the console's; this
 * is the part they share.
 */
final class ConsoleOutput {

    /** Unread text beyond this is dropped from the front (a board talking while no test reads). */
    private static final int MAX_UNREAD = 4 << 20;

    private final String name;
    private final long start = System.nanoTime();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer carry = ByteBuffer.allocate(0);
    private final StringBuilder unread = new StringBuilder();
    private final StringBuilder partial = new StringBuilder();
    private Duration partialAt = Duration.ZERO;
    private final List<ConsoleTranscript.Line> lines = new ArrayList<>();

    ConsoleOutput(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    synchronized void received(byte[] bytes, int offset, int length) {
        ByteBuffer in = ByteBuffer.allocate(carry.remaining() + length);
        in.put(carry).put(bytes, offset, length).flip();
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        decoder.decode(in, out, false);
        carry = in.slice();
        out.flip();
        String text = out.toString();
        unread.append(text);
        if (unread.length() > MAX_UNREAD) {
            unread.delete(0, unread.length() - MAX_UNREAD / 2);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                lines.add(new ConsoleTranscript.Line(partialAt, ConsoleTranscript.Direction.RECEIVED, partial.toString()));
                partial.setLength(0);
            } else if (c != '\r') {
                if (partial.length() == 0) {
                    partialAt = since();
                }
                partial.append(c);
            }
        }
        notifyAll();
    }

    synchronized void sent(String line) {
        lines.add(new ConsoleTranscript.Line(since(), ConsoleTranscript.Direction.SENT, line));
    }

    synchronized void note(String text) {
        lines.add(new ConsoleTranscript.Line(since(), ConsoleTranscript.Direction.NOTE, text));
    }

    synchronized MatchResult expect(Pattern pattern, Duration timeout) throws ConsoleTimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Matcher m = pattern.matcher(unread);
            if (m.find()) {
                MatchResult result = m.toMatchResult();
                unread.delete(0, m.end());
                return result;
            }
            if (!waitUntil(deadline)) {
                throw new ConsoleTimeoutException(name, pattern.pattern(), timeout, transcript().tail(20));
            }
        }
    }

    synchronized String read(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (unread.length() == 0 && waitUntil(deadline)) {
            // woken by new output, or the deadline passed
        }
        String text = unread.toString();
        unread.setLength(0);
        return text;
    }

    synchronized Optional<String> readLine(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int end = unread.indexOf("\n");
            if (end >= 0) {
                String line = unread.substring(0, end).replace("\r", "");
                unread.delete(0, end + 1);
                return Optional.of(line);
            }
            if (!waitUntil(deadline)) {
                return Optional.empty();
            }
        }
    }

    synchronized ConsoleTranscript transcript() {
        List<ConsoleTranscript.Line> all = new ArrayList<>(lines);
        if (partial.length() > 0) {
            all.add(new ConsoleTranscript.Line(partialAt, ConsoleTranscript.Direction.RECEIVED, partial.toString()));
        }
        return new ConsoleTranscript(all);
    }

    /** Waits for new output; false once the deadline has passed. Caller holds the lock. */
    private boolean waitUntil(long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        try {
            wait(Math.max(1, left / 1_000_000), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": interrupted while waiting for console output", e);
        }
        return true;
    }

    private Duration since() {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
