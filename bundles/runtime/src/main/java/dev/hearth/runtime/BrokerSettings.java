package dev.hearth.runtime;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the embedded MQTT broker listens and keeps its files. Does no I/O.
 *
 * @param host          the address it binds, loopback by default
 * @param port          its TCP port; 0 picks a free one
 * @param dataDirectory a folder under the state directory (the broker keeps no persistent store)
 */
public record BrokerSettings(String host, int port, Path dataDirectory) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 1883;

    public BrokerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("broker port must be 0..65535, was " + port);
        }
    }
}
