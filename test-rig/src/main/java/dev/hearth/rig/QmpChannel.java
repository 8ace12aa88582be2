package dev.hearth.rig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The QEMU Machine Protocol on a Unix socket: one command at a time, its answer awaited with a
 * deadline; asynchronous events (SHUTDOWN, RESET, STOP) are kept in order. One reader thread.
 */
final class QmpChannel implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path socket;
    private final SocketChannel channel;
    private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private QmpChannel(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
        this.reader = new Thread(this::read, "qmp " + socket.getFileName());
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects, reads the greeting and leaves capabilities negotiation mode. */
    static QmpChannel connect(Path socket, Duration timeout) {
        SocketChannel c = UnixSockets.connect(socket, "QMP");
        QmpChannel qmp = new QmpChannel(socket, c);
        JsonNode greeting = qmp.next(timeout, "the greeting");
        if (!greeting.has("QMP")) {
            qmp.close();
            throw new IllegalStateException("QMP: " + socket + " greeted with " + greeting + ", not a QMP greeting");
        }
        qmp.execute("qmp_capabilities", timeout);
        return qmp;
    }

    private void read() {
        try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(Channels.newInputStream(channel))) {
            while (it.hasNextValue()) {
                JsonNode n = it.nextValue();
                if (n.has("event")) {
                    events.add(n);
                } else {
                    answers.add(n);
                }
            }
        } catch (IOException | RuntimeException e) {
            // QEMU went away (quit, killed) or the channel was closed: callers waiting see a time-out
            // or the closed channel; the process's exit is what tells what happened.
            answers.add(JSON.createObjectNode().put("closed", String.valueOf(e.getMessage())));
            return;
        }
        answers.add(JSON.createObjectNode().put("closed", "end of stream"));
    }

    /** Runs a command and returns its {@code return} value. */
    JsonNode execute(String command, Duration timeout) {
        ObjectNode request = JSON.createObjectNode().put("execute", command);
        try {
            channel.write(ByteBuffer.wrap(JSON.writeValueAsBytes(request)));
        } catch (IOException e) {
            throw new UncheckedIOException("QMP " + command + " on " + socket + ": " + e.getMessage(), e);
        }
        JsonNode answer = next(timeout, command);
        if (answer.has("error")) {
            throw new IllegalStateException("QMP " + command + " failed: " + answer.get("error"));
        }
        if (answer.has("closed")) {
            throw new IllegalStateException("QMP " + command + ": the connection ended (" + answer.get("closed").asText() + ")");
        }
        return answer.path("return");
    }

    /** The events seen so far, oldest first. */
    List<JsonNode> events() {
        return List.copyOf(events);
    }

    private JsonNode next(Duration timeout, String what) {
        try {
            JsonNode n = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (n == null) {
                throw new IllegalStateException("QMP: no answer to " + what + " within " + timeout.toMillis() + " ms on " + socket);
            }
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("QMP: interrupted waiting for " + what, e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("QMP: cannot close " + socket + ": " + e.getMessage(), e);
        }
    }
}
