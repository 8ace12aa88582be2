package dev.hearth.runtime;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT broker embedded in demo mode: Moquette on the launcher class path, configured in
 * memory. Loopback only, anonymous clients allowed, nothing persisted, no telemetry, no
 * WebSocket listener.
 */
final class MoquetteBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MoquetteBroker.class);
    private static final Duration BIND_LIMIT = Duration.ofSeconds(10);

    /** Where the broker stands. */
    enum State { NEW, RUNNING, STOPPED }

    private final BrokerSettings settings;
    private final Server server = new Server();
    private State state = State.NEW;
    private int port;

    MoquetteBroker(BrokerSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Binds the port and starts serving. */
    synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("MQTT broker cannot start: it is " + state);
        }
        Properties properties = new Properties();
        properties.setProperty("host", settings.host());
        properties.setProperty("port", Integer.toString(settings.port()));
        properties.setProperty("websocket_port", "disabled");
        properties.setProperty("allow_anonymous", "true");
        properties.setProperty("persistence_enabled", "false");
        properties.setProperty("data_path", settings.dataDirectory().toString());
        properties.setProperty("telemetry_enabled", "false");
        properties.setProperty("netty.epoll", "false");
        // OTA-V1 chunks are 128 KiB KuraPayloads: Moquette's default limit (8092 bytes) would drop them.
        properties.setProperty("netty.mqtt.message_size", Integer.toString(1 << 20));
        try {
            Files.createDirectories(settings.dataDirectory());
            server.startServer(new MemoryConfig(properties), List.of());
        } catch (IOException | RuntimeException e) {
            state = State.STOPPED;
            throw new LaunchException("MQTT broker cannot start on " + settings.host() + ":" + settings.port()
                    + ": " + e.getMessage(), e);
        }
        port = settings.port() != 0 ? settings.port() : awaitBoundPort();
        state = State.RUNNING;
        LOG.info("MQTT broker listening on {}:{}", settings.host(), port);
    }

    /**
     * The port the system chose for port 0. Moquette records it in a listener on its event loop,
     * which may run after {@code startServer} has returned: until then it answers 0.
     */
    private int awaitBoundPort() {
        long deadline = System.nanoTime() + BIND_LIMIT.toNanos();
        for (int bound; System.nanoTime() < deadline; LockSupport.parkNanos(1_000_000L)) {
            if ((bound = server.getPort()) != 0) {
                return bound;
            }
        }
        server.stopServer();
        state = State.STOPPED;
        throw new LaunchException("MQTT broker cannot start on " + settings.host()
                + ":0: the port it bound was not known within " + BIND_LIMIT.toSeconds() + " s");
    }

    /** The bound port. */
    synchronized int port() {
        if (state != State.RUNNING) {
            throw new IllegalStateException("MQTT broker has no port: it is " + state);
        }
        return port;
    }

    /** Stops serving. Harmless when already stopped or never started. */
    @Override
    public synchronized void close() {
        if (state == State.RUNNING) {
            server.stopServer();
            LOG.info("MQTT broker stopped");
        }
        state = State.STOPPED;
    }
}
