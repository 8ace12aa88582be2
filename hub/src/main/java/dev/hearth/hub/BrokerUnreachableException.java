package dev.hearth.hub;

/** The hub could not connect to the broker; the message says why (refused, untrusted certificate, credentials). */
public final class BrokerUnreachableException extends Exception {

    private static final long serialVersionUID = 1L;

    public BrokerUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
