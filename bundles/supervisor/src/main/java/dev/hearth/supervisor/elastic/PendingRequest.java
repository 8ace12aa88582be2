package dev.hearth.supervisor.elastic;

import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/** A request waiting in a service's queue for an instance with spare concurrency. */
final class PendingRequest {

    final ServiceRequest request;
    final CompletableFuture<ServiceResponse> response = new CompletableFuture<>();
    final long queuedAtNanos;
    /** Fails the request when no instance takes it in time; set once, right after queueing. */
    ScheduledFuture<?> deadline;

    PendingRequest(ServiceRequest request, long queuedAtNanos) {
        this.request = request;
        this.queuedAtNanos = queuedAtNanos;
    }

    void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }
}
