package dev.hearth.rig;

import java.time.Duration;

/** An expected pattern did not appear on a console in time; the message ends with the last lines seen. */
public final class ConsoleTimeoutException extends Exception {

    private static final long serialVersionUID = 1L;

    public ConsoleTimeoutException(String console, String pattern, Duration timeout, String lastLines) {
        super(console + ": no match for /" + pattern + "/ within " + timeout.toMillis() + " ms; last lines:\n" + lastLines);
    }
}
