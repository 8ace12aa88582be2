package dev.hearth.supervisor;

import java.util.Objects;

/**
 * A request the supervisor could not hand to an instance. It completes the dispatch stage
 * exceptionally; the gateway turns it into 404 or 503 with Retry-After.
 */
public final class DispatchRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a request was refused. */
    public enum Reason {
        /** No service has that name. */
        UNKNOWN_SERVICE,
        /** The service's queue is full. */
        QUEUE_FULL,
        /** No instance became ready within the activation timeout. */
        ACTIVATION_TIMEOUT,
        /** The service is FAILED or its driver is unavailable. */
        SERVICE_UNAVAILABLE,
        /** The instance took the request but gave no answer (died, broke the protocol). */
        INSTANCE_ERROR
    }

    private final Reason reason;
    private final String service;

    public DispatchRejectedException(Reason reason, String service, String message) {
        this(reason, service, message, null);
    }

    public DispatchRejectedException(Reason reason, String service, String message, Throwable cause) {
        super(message, cause, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.service = Objects.requireNonNull(service, "service");
    }

    public Reason reason() {
        return reason;
    }

    public String service() {
        return service;
    }
}
