package dev.hearth.service;

/**
 * A trusted service running inside the supervisor's JVM. One handler object serves one instance;
 * the in-JVM driver calls {@link #handle} from the instance's own threads, at most the service's
 * target concurrency at a time, and {@link #close} once when the instance stops.
 */
public interface ServiceHandler extends AutoCloseable {

    /**
     * Answers one request. An exception becomes a 500 response for this request only; the
     * instance keeps serving.
     */
    ServiceResponse handle(ServiceRequest request) throws Exception;

    /** Releases what the instance holds. Called once, after the last request. */
    @Override
    default void close() throws Exception {
    }
}
