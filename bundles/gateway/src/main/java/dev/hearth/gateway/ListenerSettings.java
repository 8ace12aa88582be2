package dev.hearth.gateway;

import java.util.Objects;

/**
 * How one HTTP listener binds and guards itself. Built from {@link GatewaySettings} or
 * {@link AdminSettings}, which validate every field; this record only checks it was given them.
 *
 * @param name                 what the listener is called in logs and thread names
 * @param host                 the address to bind
 * @param port                 the port to bind; 0 for an ephemeral one
 * @param readTimeoutMillis    how long the listener waits for a client that owes it bytes
 * @param maxInitialLineLength the longest request line accepted
 * @param maxHeaderSize        the most header bytes accepted per request
 * @param ioThreads            event loop threads serving connections; 0 for one per core
 */
record ListenerSettings(String name, String host, int port, int readTimeoutMillis, int maxInitialLineLength,
                        int maxHeaderSize, int ioThreads) {

    ListenerSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
    }

    /** Event loop threads to run: {@link #ioThreads}, or one per core when it is 0. */
    int effectiveIoThreads() {
        return ioThreads > 0 ? ioThreads : Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
