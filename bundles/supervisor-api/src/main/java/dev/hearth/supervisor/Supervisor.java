package dev.hearth.supervisor;

import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The registry of services and the only way requests reach their instances. Thread-safe.
 * Operations on a name that is not registered throw {@link UnknownServiceException}.
 */
public interface Supervisor {

    /** Registers a service, or replaces the spec of a registered one (its instances are restarted lazily). */
    void deploy(ServiceSpec spec);

    /** Unregisters a service and stops its instances. Returns false when it was not registered. */
    boolean remove(String name);

    /** The status of one service. */
    Optional<ServiceStatus> status(String name);

    /** The status of every service, sorted by name. */
    List<ServiceStatus> statuses();

    /** How many services are registered. */
    int size();

    /**
     * Hands a request to an instance of the service, activating one if none is ready. Never
     * blocks. The stage completes with the instance's response, or exceptionally with a
     * {@link DispatchRejectedException}.
     */
    CompletionStage<ServiceResponse> dispatch(String service, ServiceRequest request);

    /** Starts instances ahead of demand until at least {@code count} run (bounded by the spec's max). */
    void scale(String name, int count);

    /** Stops every instance of the service now; the next request activates it again. */
    void stop(String name);

    /** Clears a FAILED service so that the next request may activate it. */
    void reset(String name);

    /** The last log lines of each running instance of the service, oldest first. */
    List<String> logTail(String name, int maxLines);
}
