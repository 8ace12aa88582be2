package dev.hearth.rig;

import java.time.Duration;

/** An awaited device event did not arrive in time. */
public final class HubTimeoutException extends Exception {

    private static final long serialVersionUID = 1L;

    public HubTimeoutException(String device, String kind, Duration timeout) {
        super("no " + kind + " from '" + device + "' within " + timeout.toMillis() + " ms");
    }
}
