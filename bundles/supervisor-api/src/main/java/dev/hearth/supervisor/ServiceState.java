package dev.hearth.supervisor;

/** Where a service stands. */
public enum ServiceState {
    /** Registered, no instance running: costs bytes only. A request activates it. */
    IDLE,
    /** Its first instance is starting; requests wait in its queue. */
    ACTIVATING,
    /** At least one instance is ready. */
    ACTIVE,
    /** Its instances kept failing; requests are refused until it is reset. */
    FAILED,
    /** Its driver is missing or cannot run on this host; the status says why. */
    UNAVAILABLE
}
