package dev.hearth.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MosquittoTest {

    @TempDir
    Path dir;

    @Test
    void listensWhenStartedAndAgainOnTheSamePortAfterAStop() {
        try (Mosquitto broker = Mosquitto.anonymous(dir)) {
            assertEquals("tcp://127.0.0.1:" + broker.port(), broker.url());
            assertThrows(IOException.class, () -> connect(broker.port()), "nothing listens before start()");
            broker.start();
            assertConnects(broker.port());
            assertThrows(IllegalStateException.class, broker::start, "a second start while it runs");
            broker.stop();
            assertThrows(IOException.class, () -> connect(broker.port()), "nothing listens after stop()");
            broker.start();
            assertConnects(broker.port());
        }
    }

    @Test
    void aBrokerThatCannotStartIsReportedWithItsLog() {
        try (Mosquitto broker = new Mosquitto(dir.resolve("bad"), List.of("no_such_option true"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, broker::start);
            assertTrue(e.getMessage().startsWith("mosquitto exited with "), e.getMessage());
            assertTrue(e.getMessage().contains("no_such_option"), e.getMessage());
        }
    }

    private static void assertConnects(int port) {
        try {
            connect(port);
        } catch (IOException e) {
            throw new AssertionError("mosquitto listens on " + port + ": " + e.getMessage(), e);
        }
    }

    private static void connect(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        }
    }
}
