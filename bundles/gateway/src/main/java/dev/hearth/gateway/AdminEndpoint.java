package dev.hearth.gateway;

import dev.hearth.supervisor.Supervisor;
import java.util.Objects;

/**
 * The loopback-only admin endpoint: a small HTTP listener serving the JSON admin API
 * ({@link AdminCommand}) over the supervisor. Same plumbing as the gateway ({@link HttpListener}).
 *
 * <p>States: NEW, then {@link #start} makes it RUNNING, then {@link #close} makes it CLOSED.
 */
public final class AdminEndpoint implements AutoCloseable {

    private final HttpListener listener;
    private final AdminResponder responder;

    public AdminEndpoint(AdminSettings settings, Supervisor supervisor) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(supervisor, "supervisor");
        this.responder = new AdminResponder(supervisor);
        this.listener = new HttpListener(settings.listener(), responder);
    }

    /** Binds and serves. Legal when NEW; a failure to bind throws and leaves the endpoint CLOSED. */
    public void start() {
        try {
            listener.start();
        } catch (RuntimeException e) {
            responder.close();
            throw e;
        }
    }

    /** The bound port. Legal when RUNNING. */
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
        responder.close();
    }
}
