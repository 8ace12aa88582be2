package dev.hearth.updater;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/** The embedded Moquette broker on a loopback port chosen up front, so that it can start after its clients. */
final class MoquetteBroker implements AutoCloseable {

    final int port;
    final String url;
    private final Path dataDir;
    private Server server;

    MoquetteBroker(Path dataDir) throws IOException {
        // Moquette binds asynchronously and its getPort() races with the bind: choose a free port first.
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        this.url = "tcp://127.0.0.1:" + port;
        this.dataDir = dataDir;
    }

    MoquetteBroker start() throws IOException {
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("data_path", dataDir.toString());
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("netty.epoll", "false");
        p.setProperty("netty.mqtt.message_size", Integer.toString(1 << 20)); // chunks of 128 KiB (the default is 8092 bytes)
        server = new Server();
        server.startServer(new MemoryConfig(p), List.of());
        return this;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stopServer();
            server = null;
        }
    }
}
