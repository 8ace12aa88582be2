package dev.hearth.gateway;

import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.DispatchRejectedException;
import dev.hearth.supervisor.Supervisor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's responder: finds the service a request is for and dispatches it to the supervisor.
 *
 * <p>Routing: {@code Host: <service>.<domain>} (any port) sends the whole path to that service;
 * otherwise the first path segment names the service and the rest is the path inside it
 * ({@code /notes/1} goes to {@code notes} as {@code /1}, {@code /notes} as {@code /}).
 *
 * <p>Refusals: an unknown service is 404; a full queue, an activation timeout or an unavailable
 * service is 503 with {@code Retry-After}; an instance that gave no answer is 502; anything else is
 * 500 and logged once, here, with its cause.
 */
final class RoutingResponder implements Responder {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingResponder.class);

    private final Supervisor supervisor;
    /** {@code "." + domain}: a Host ending in it names a service. */
    private final String dotDomain;
    private final Map<String, String> retryAfter;

    RoutingResponder(Supervisor supervisor, GatewaySettings settings) {
        this.supervisor = supervisor;
        this.dotDomain = "." + settings.domain();
        this.retryAfter = Map.of("retry-after", Integer.toString(settings.retryAfterSeconds()));
    }

    @Override
    public CompletionStage<ServiceResponse> respond(ServiceRequest request) {
        String byHost = serviceByHost(request.headers().get("host"));
        if (byHost != null) {
            return supervisor.dispatch(byHost, request);
        }
        String path = request.path();
        int end = path.indexOf('/', 1);
        String service = end < 0 ? path.substring(1) : path.substring(1, end);
        if (service.isEmpty()) {
            return CompletableFuture.completedFuture(JsonBody.error(404,
                    "no service named in the request: use /<service>/... or Host: <service>" + dotDomain));
        }
        String inside = end < 0 ? "/" : path.substring(end);
        return supervisor.dispatch(service, new ServiceRequest(request.method(), inside, request.query(),
                request.headers(), request.body(), request.contentLength()));
    }

    @Override
    public ServiceResponse refusal(Throwable failure) {
        if (failure instanceof DispatchRejectedException rejected) {
            Map<String, String> fields = Map.of("service", rejected.service(), "reason", rejected.reason().name());
            String message = rejected.getMessage() == null ? rejected.reason().name() : rejected.getMessage();
            return switch (rejected.reason()) {
                case UNKNOWN_SERVICE -> JsonBody.error(404, message, fields, Map.of());
                case QUEUE_FULL, ACTIVATION_TIMEOUT, SERVICE_UNAVAILABLE -> JsonBody.error(503, message, fields, retryAfter);
                case INSTANCE_ERROR -> JsonBody.error(502, message, fields, Map.of());
            };
        }
        LOG.warn("gateway: a request failed; answering 500", failure);
        return JsonBody.error(500, "internal error");
    }

    /** The service a Host header names, or null when it names none. */
    private String serviceByHost(List<String> hosts) {
        if (hosts == null || hosts.isEmpty()) {
            return null;
        }
        String host = hosts.get(0);
        int end = host.length();
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && host.indexOf(']') < colon) {
            end = colon;
        }
        int labelEnd = end - dotDomain.length();
        if (labelEnd <= 0 || !host.regionMatches(true, labelEnd, dotDomain, 0, dotDomain.length())) {
            return null;
        }
        if (host.lastIndexOf('.', labelEnd - 1) >= 0) {
            return null; // a deeper name than <service>.<domain>
        }
        return host.substring(0, labelEnd).toLowerCase(java.util.Locale.ROOT);
    }
}
