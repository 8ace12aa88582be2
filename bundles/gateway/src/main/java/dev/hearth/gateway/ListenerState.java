package dev.hearth.gateway;

/** Where an HTTP listener (the gateway's or the admin endpoint's) stands. */
public enum ListenerState {
    /** Built, not listening yet: {@code start()} is legal. */
    NEW,
    /** Bound and serving: {@code port()} is legal. */
    RUNNING,
    /** Closed, or failed to start; nothing is legal but {@code close()}, which does nothing. */
    CLOSED
}
