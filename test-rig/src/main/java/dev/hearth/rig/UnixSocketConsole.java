package dev.hearth.rig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * A console on a Unix socket: the virtual board's serial port, which QEMU serves as a
 * {@code chardev socket}. The console outlives connections: each power on of the virtual board
 * is a new QEMU process with a new socket, {@link #connect}ed here, and the transcript goes on.
 */
public final class UnixSocketConsole implements Console {

    public enum State { DISCONNECTED, CONNECTED, CLOSED }

    private final ConsoleOutput output;
    private State state = State.DISCONNECTED;
    private SocketChannel channel;
    private Thread reader;

    public UnixSocketConsole(String name) {
        this.output = new ConsoleOutput(name);
    }

    /** Connects to a listening socket and starts reading it; the previous connection must have ended. */
    public synchronized void connect(Path socket) {
        if (state == State.CLOSED || (state == State.CONNECTED && reader.isAlive())) {
            throw new IllegalStateException(output.name() + ": cannot connect while " + state);
        }
        SocketChannel c = UnixSockets.connect(socket, output.name());
        channel = c;
        reader = new Thread(() -> read(c), "console " + output.name());
        reader.setDaemon(true);
        state = State.CONNECTED;
        reader.start();
    }

    private void read(SocketChannel c) {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        try {
            while (c.read(buffer.clear()) >= 0) {
                output.received(buffer.array(), 0, buffer.position());
            }
        } catch (AsynchronousCloseException e) {
            return; // closed by disconnect(): nothing lost
        } catch (IOException e) {
            output.note("console connection failed: " + e.getMessage());
        }
        synchronized (this) {
            if (channel == c && state == State.CONNECTED) {
                state = State.DISCONNECTED;
            }
        }
    }

    /** Ends the current connection (the board's QEMU is going away); the transcript stays. */
    public synchronized void disconnect() {
        if (state != State.CONNECTED) {
            return;
        }
        closeChannel();
        state = State.DISCONNECTED;
    }

    public synchronized State state() {
        return state;
    }

    /** Adds a rig's note (power on, reset) to the transcript. */
    public void note(String text) {
        output.note(text);
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
        SocketChannel c;
        synchronized (this) {
            if (state != State.CONNECTED) {
                throw new IllegalStateException(output.name() + ": cannot send while " + state);
            }
            c = channel;
        }
        output.sent(line);
        ByteBuffer bytes = ByteBuffer.wrap((line + "\r").getBytes(StandardCharsets.UTF_8));
        try {
            synchronized (c) {
                while (bytes.hasRemaining()) {
                    c.write(bytes);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(output.name() + ": cannot send a line: " + e.getMessage(), e);
        }
    }

    @Override
    public ConsoleTranscript transcript() {
        return output.transcript();
    }

    @Override
    public synchronized void close() {
        if (state == State.CONNECTED) {
            closeChannel();
        }
        state = State.CLOSED;
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(output.name() + ": cannot close the console socket: " + e.getMessage(), e);
        }
    }
}
