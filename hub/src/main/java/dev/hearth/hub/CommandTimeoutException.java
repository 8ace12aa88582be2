package dev.hearth.hub;

import java.time.Duration;

/** No reply came in time: the device is off, not subscribed, or does not obey this hub. */
public final class CommandTimeoutException extends Exception {

    private static final long serialVersionUID = 1L;

    public CommandTimeoutException(String device, String what, Duration timeout) {
        super("no reply from '" + device + "' to " + what + " within " + timeout.toMillis()
                + " ms (is it online, and is this hub on its allow-list?)");
    }
}
