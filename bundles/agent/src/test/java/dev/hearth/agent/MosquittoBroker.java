package dev.hearth.agent;

import dev.hearth.testsupport.Mosquitto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto (test-support's {@link Mosquitto}) with a password file, an ACL and
 * persistence, started and stopped by the tests.
 */
final class MosquittoBroker implements AutoCloseable {

    static final String DEVICE_USER = "device";
    static final String DEVICE_PASSWORD = "device-secret";
    static final String HUB_USER = "hub";
    static final String HUB_PASSWORD = "hub-secret";

    private final Mosquitto mosquitto;

    MosquittoBroker(Path directory) throws IOException, InterruptedException {
        Path passwd = directory.resolve("passwd");
        Files.writeString(passwd, "");
        run("/usr/bin/mosquitto_passwd", "-b", passwd.toString(), DEVICE_USER, DEVICE_PASSWORD);
        run("/usr/bin/mosquitto_passwd", "-b", passwd.toString(), HUB_USER, HUB_PASSWORD);
        Files.writeString(directory.resolve("acl"), String.join("\n",
                "user " + DEVICE_USER, "topic readwrite $EDC/hearth/#", "topic readwrite hearth/#", "",
                "user " + HUB_USER, "topic readwrite $EDC/hearth/#", "topic read hearth/#", ""));
        Files.createDirectories(directory.resolve("data"));
        mosquitto = new Mosquitto(directory, List.of("allow_anonymous false",
                "password_file " + passwd, "acl_file " + directory.resolve("acl"),
                "persistence true", "persistence_location " + directory.resolve("data") + "/",
                "max_inflight_messages 1000", "max_queued_messages 100000"));
        mosquitto.start();
    }

    String url() {
        return mosquitto.url();
    }

    void start() {
        mosquitto.start();
    }

    void stop() {
        mosquitto.stop();
    }

    @Override
    public void close() {
        mosquitto.close();
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
