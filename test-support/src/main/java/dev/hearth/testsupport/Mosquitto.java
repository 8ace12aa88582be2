package dev.hearth.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto (Debian package {@code mosquitto}) on a loopback port chosen up front, so that it
 * can start after its clients and start again on the same port after {@link #stop()}.
 */
public final class Mosquitto implements AutoCloseable {

    private static final long LISTEN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Path directory;
    private final int port;
    private final Path conf;
    private Process process;

    /**
     * @param directory where the configuration and {@code mosquitto.log} go (made if missing)
     * @param settings  configuration lines beyond the loopback listener, the user and the log
     */
    public Mosquitto(Path directory, List<String> settings) {
        this.directory = directory;
        this.port = freeLoopbackPort();
        List<String> lines = new ArrayList<>(List.of("listener " + port + " 127.0.0.1",
                // As root Mosquitto would drop to the 'mosquitto' user and lose access to the files it was given.
                "user " + System.getProperty("user.name"), "log_dest stderr"));
        lines.addAll(settings);
        lines.add("");
        this.conf = directory.resolve("mosquitto.conf");
        try {
            Files.createDirectories(directory);
            Files.writeString(conf, String.join("\n", lines));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + conf + ": " + e.getMessage(), e);
        }
    }

    /** Anonymous clients, no persistence, messages up to 4 MiB; not started yet. */
    public static Mosquitto anonymous(Path directory) {
        return new Mosquitto(directory, List.of("allow_anonymous true", "persistence false", "max_packet_size 4194304"));
    }

    public int port() {
        return port;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    private Path log() {
        return directory.resolve("mosquitto.log");
    }

    /** Starts the broker and returns once its port accepts connections. */
    public Mosquitto start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("mosquitto already runs on " + port);
        }
        try {
            process = new ProcessBuilder("/usr/sbin/mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start /usr/sbin/mosquitto (apt-get install mosquitto): "
                    + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + LISTEN_TIMEOUT_NANOS;
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited with " + process.exitValue() + ": " + logText());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return this;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    stop();
                    throw new IllegalStateException("mosquitto did not listen on " + port + " within 10 s: " + logText());
                }
                waitQuietly(10);
            }
        }
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 10 s); its clients lose their connections. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    private void waitQuietly(long millis) {
        try {
            process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for mosquitto to listen", e);
        }
    }

    private String logText() {
        try {
            return Files.readString(log());
        } catch (IOException e) {
            return "(" + log() + " unreadable: " + e.getMessage() + ")";
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port: " + e.getMessage(), e);
        }
    }
}
