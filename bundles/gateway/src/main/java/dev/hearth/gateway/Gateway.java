package dev.hearth.gateway;

import dev.hearth.supervisor.Supervisor;
import java.util.Objects;

/**
 * The front door: one HTTP/1.1 listener that routes each request to its service through the
 * supervisor, holding it while an instance boots. See {@link RoutingResponder} for the routing and
 * the error answers, {@link HttpListener} for the HTTP side.
 *
 * <p>States: NEW, then {@link #start} makes it RUNNING, then {@link #close} makes it CLOSED.
 */
public final class Gateway implements AutoCloseable {

    private final HttpListener listener;

    public Gateway(GatewaySettings settings, Supervisor supervisor) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(supervisor, "supervisor");
        this.listener = new HttpListener(settings.listener(), new RoutingResponder(supervisor, settings));
    }

    /** Binds and serves. Legal when NEW; a failure to bind throws and leaves the gateway CLOSED. */
    public void start() {
        listener.start();
    }

    /** The bound port (the ephemeral one when configured with port 0). Legal when RUNNING. */
    public int port() {
        return listener.port();
    }

    public ListenerState state() {
        return listener.state();
    }

    /** Stops accepting, lets requests in flight finish briefly, releases its threads. Idempotent. */
    @Override
    public void close() {
        listener.close();
    }
}
