package dev.hearth.isolation;

import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** One running copy of a service, in one sandbox. Thread-safe. */
public interface Instance {

    /** The id from the {@link InstanceContext} it was started with. */
    String id();

    /**
     * Hands one request to the instance. The stage completes with the response (any status the
     * service chose), or exceptionally when the instance could not answer at all (it died, its
     * socket refused, it broke the protocol).
     */
    CompletionStage<ServiceResponse> handle(ServiceRequest request);

    /** Usage so far. Must be cheap: the supervisor reads it on every status query. */
    InstanceUsage usage();

    /** Completes once, when the instance has ended for any reason. Never completes exceptionally. */
    CompletionStage<InstanceExit> exit();

    /**
     * Asks the instance to stop: requests in flight may finish within {@code grace}, then it is
     * killed. Returns at once; {@link #exit()} completes when it is gone. Calling it again is harmless.
     */
    void stop(Duration grace);

    /** The last lines the instance logged, oldest first; empty when the driver keeps no logs. */
    List<String> logTail(int maxLines);
}
