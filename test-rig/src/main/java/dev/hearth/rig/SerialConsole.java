package dev.hearth.rig;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * A console on a real tty (a USB serial adapter wired to the board's UART). The line is put in
 * raw mode at the given speed with {@code stty}, then read and written as a file. Reads use
 * {@code min 0 time 1} (a read returns after 0.1 s of silence), so the reader thread notices
 * {@link #close()} without a signal.
 */
public final class SerialConsole implements Console {

    public enum State { OPEN, CLOSED }

    private final Path device;
    private final ConsoleOutput output;
    private final FileInputStream in;
    private final FileOutputStream out;
    private final Thread reader;
    private volatile State state = State.OPEN;

    public SerialConsole(String name, Path device, int baud) {
        this.device = device;
        this.output = new ConsoleOutput(name);
        sttyCommand(device, baud).run(name + ": setting up " + device, Duration.ofSeconds(10));
        try {
            in = new FileInputStream(device.toFile());
            out = new FileOutputStream(device.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot open " + device + ": " + e.getMessage(), e);
        }
        reader = new Thread(this::read, "console " + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code stty} putting the line in raw mode: no echo, no line editing, no CR/NL mapping, 8N1, no flow control. */
    public static HostCommand sttyCommand(Path device, int baud) {
        return new HostCommand(List.of("stty", "-F", device.toString(), Integer.toString(baud), "raw", "-echo",
                "-echoe", "-echok", "-echoctl", "-echoke", "cs8", "-cstopb", "-parenb", "-crtscts", "-ixon", "-ixoff",
                "clocal", "min", "0", "time", "1"));
    }

    private void read() {
        byte[] buffer = new byte[4096];
        try {
            int hungUp = 0;
            while (state == State.OPEN) {
                long before = System.nanoTime();
                int n = in.read(buffer);
                if (n > 0) {
                    output.received(buffer, 0, n);
                    hungUp = 0;
                } else if (System.nanoTime() - before < 20_000_000L && ++hungUp > 50) {
                    // Empty reads are 0.1 s of silence (VTIME); many at once are a hung-up line.
                    output.note("console " + device + " hung up");
                    return;
                }
            }
        } catch (IOException e) {
            if (state == State.OPEN) {
                output.note("console " + device + " failed: " + e.getMessage());
            }
        }
    }

    public State state() {
        return state;
    }

    @Override
    public MatchResult expect(Pattern pattern, Duration timeout) throws ConsoleTimeoutException {
        return output.expect(pattern, timeout);
    }

    @Override
    public String read(Duration timeout) {
        return output.read(timeout);
    }

    @Override
    public Optional<String> readLine(Duration timeout) {
        return output.readLine(timeout);
    }

    @Override
    public void sendLine(String line) {
        if (state != State.OPEN) {
            throw new IllegalStateException(output.name() + ": cannot send while " + state);
        }
        output.sent(line);
        try {
            synchronized (out) {
                out.write((line + "\r").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(output.name() + ": cannot write to " + device + ": " + e.getMessage(), e);
        }
    }

    /** Adds a rig's note (power on, reset) to the transcript. */
    public void note(String text) {
        output.note(text);
    }

    @Override
    public ConsoleTranscript transcript() {
        return output.transcript();
    }

    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        try {
            reader.join(2_000); // a read returns within 0.1 s (VTIME)
            in.close();
            out.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(output.name() + ": interrupted while closing " + device, e);
        } catch (IOException e) {
            throw new UncheckedIOException(output.name() + ": cannot close " + device + ": " + e.getMessage(), e);
        }
    }
}
