package dev.hearth.agent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto (Debian package {@code mosquitto}) on a free loopback port, with a password
 * file, an ACL and persistence, started and stopped by the tests.
 */
final class MosquittoBroker implements AutoCloseable {

    static final String DEVICE_USER = "device";
    static final String DEVICE_PASSWORD = "device-secret";
    static final String HUB_USER = "hub";
    static final String HUB_PASSWORD = "hub-secret";

    private final Path directory;
    private final int port;
    private Process process;

    MosquittoBroker(Path directory) throws IOException, InterruptedException {
        this.directory = directory;
        this.port = freePort();
        Path passwd = directory.resolve("passwd");
        Files.writeString(passwd, "");
        run("/usr/bin/mosquitto_passwd", "-b", passwd.toString(), DEVICE_USER, DEVICE_PASSWORD);
        run("/usr/bin/mosquitto_passwd", "-b", passwd.toString(), HUB_USER, HUB_PASSWORD);
        Files.writeString(directory.resolve("acl"), String.join("\n",
                "user " + DEVICE_USER, "topic readwrite $EDC/hearth/#", "topic readwrite hearth/#", "",
                "user " + HUB_USER, "topic readwrite $EDC/hearth/#", "topic read hearth/#", ""));
        Files.createDirectories(directory.resolve("data"));
        Files.writeString(directory.resolve("mosquitto.conf"), String.join("\n",
                "listener " + port + " 127.0.0.1", "allow_anonymous false",
                // Run as whoever runs the tests (root on CI would otherwise drop to 'mosquitto' and lose the files).
                "user " + System.getProperty("user.name"),
                "password_file " + passwd, "acl_file " + directory.resolve("acl"),
                "persistence true", "persistence_location " + directory.resolve("data") + "/",
                "max_inflight_messages 1000", "max_queued_messages 100000", "log_dest stderr", ""));
        start();
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    void start() throws IOException, InterruptedException {
        process = new ProcessBuilder("/usr/sbin/mosquitto", "-c", directory.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(directory.resolve("mosquitto.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited: " + Files.readString(directory.resolve("mosquitto.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.onSpinWait();
            }
        }
        throw new IllegalStateException("mosquitto did not listen on " + port + " within 10 s");
    }

    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }
}
