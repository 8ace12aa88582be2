package dev.hearth.agent;

/** Where the agent's connection stands. */
public enum AgentState {
    /** Built, not started. */
    NEW,
    /** A connection attempt is under way. */
    CONNECTING,
    /** Connected and subscribed: requests are served, messages go out directly. */
    CONNECTED,
    /** The broker is away; the next attempt waits out a back-off. Outgoing messages go to the outbox. */
    WAITING,
    /** Closed for good. */
    CLOSED
}
