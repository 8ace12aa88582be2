package dev.hearth.supervisor;

/** An operation named a service that is not registered. */
public final class UnknownServiceException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public UnknownServiceException(String name) {
        super("no service named '" + name + "'");
    }
}
