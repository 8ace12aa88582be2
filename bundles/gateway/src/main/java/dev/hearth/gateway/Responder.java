package dev.hearth.gateway;

import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import java.util.concurrent.CompletionStage;

/**
 * What answers the requests an {@link HttpListener} reads: the gateway's routing to services, or
 * the admin API. The listener owns HTTP (framing, keep-alive, body streaming, timeouts, malformed
 * input); a responder sees whole requests with streamed bodies and returns responses.
 */
interface Responder {

    /**
     * Starts answering a request. Called on an event loop as soon as the request headers are read:
     * must not block. The request body may still be arriving; reading it blocks until it does.
     */
    CompletionStage<ServiceResponse> respond(ServiceRequest request);

    /** Turns a failed {@link #respond} stage into the response the client gets. Must not throw. */
    ServiceResponse refusal(Throwable failure);
}
