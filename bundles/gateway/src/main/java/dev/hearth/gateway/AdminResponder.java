package dev.hearth.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.InvalidServiceSpecException;
import dev.hearth.supervisor.ServiceSpec;
import dev.hearth.supervisor.ServiceStatus;
import dev.hearth.supervisor.Supervisor;
import dev.hearth.supervisor.UnknownServiceException;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link AdminCommand}s against the supervisor and answers in JSON. Commands run one at a
 * time on the admin thread, off the event loop: they read request bodies and may take a while.
 */
final class AdminResponder implements Responder, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminResponder.class);

    /** The largest spec body accepted. */
    static final int MAX_BODY = 64 * 1024;
    /** Log lines returned with one service. */
    static final int LOG_LINES = 50;

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final Supervisor supervisor;
    private final ExecutorService commands = Executors.newSingleThreadExecutor(
            new DefaultThreadFactory("hearth-admin-endpoint-api", true));

    AdminResponder(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public CompletionStage<ServiceResponse> respond(ServiceRequest request) {
        AdminCommand command = AdminCommand.parse(request.method(), request.path(), request.query());
        return CompletableFuture.supplyAsync(() -> execute(command, request), commands);
    }

    @Override
    public ServiceResponse refusal(Throwable failure) {
        if (failure instanceof RejectedExecutionException) {
            return JsonBody.error(503, "the admin endpoint is closing");
        }
        LOG.warn("admin endpoint: a request failed; answering 500", failure);
        return JsonBody.error(500, "internal error");
    }

    @Override
    public void close() {
        commands.shutdownNow();
    }

    private ServiceResponse execute(AdminCommand command, ServiceRequest request) {
        String name = command.service();
        try {
            return switch (command.action()) {
                case HEALTH -> JsonBody.of(200, Map.of("status", "UP", "services", supervisor.size()));
                case LIST -> JsonBody.of(200, supervisor.statuses().stream().map(AdminResponder::view).toList());
                case GET -> supervisor.status(name).map(status -> {
                    Map<String, Object> view = view(status);
                    view.put("logs", supervisor.logTail(name, LOG_LINES));
                    return JsonBody.of(200, view);
                }).orElseGet(() -> unknown(name));
                case DEPLOY -> deploy(name, request);
                case REMOVE -> supervisor.remove(name) ? ServiceResponse.empty(204) : unknown(name);
                case STOP -> {
                    supervisor.stop(name);
                    yield status(name);
                }
                case RESET -> {
                    supervisor.reset(name);
                    yield status(name);
                }
                case SCALE -> {
                    supervisor.scale(name, command.count());
                    yield status(name);
                }
                case NOT_FOUND -> JsonBody.error(404, command.detail());
                case NOT_ALLOWED -> JsonBody.error(405, "method not allowed here", Map.of(),
                        Map.of("allow", command.detail()));
                case INVALID -> JsonBody.error(400, command.detail());
            };
        } catch (UnknownServiceException e) {
            return unknown(name);
        } catch (InvalidServiceSpecException e) {
            return JsonBody.error(400, e.getMessage(), Map.of("field", e.field()), Map.of());
        } catch (IllegalArgumentException e) {
            return JsonBody.error(400, e.getMessage());
        }
    }

    private ServiceResponse deploy(String name, ServiceRequest request) {
        byte[] body;
        try {
            body = request.body().readNBytes(MAX_BODY + 1);
        } catch (IOException e) {
            return JsonBody.error(400, "the request body could not be read: " + e.getMessage());
        }
        if (body.length > MAX_BODY) {
            return JsonBody.error(413, "a service spec must be at most " + MAX_BODY + " bytes");
        }
        if (body.length == 0) {
            return JsonBody.error(400, "a JSON service spec is required in the body");
        }
        Map<String, Object> properties;
        try {
            properties = JsonBody.MAPPER.readValue(body, OBJECT);
        } catch (JsonProcessingException e) {
            return JsonBody.error(400, "the body must be a JSON object (a service spec)");
        } catch (IOException e) {
            throw new IllegalStateException("reading JSON from memory failed", e);
        }
        if (properties == null) {
            return JsonBody.error(400, "the body must be a JSON object (a service spec)");
        }
        Object named = properties.get("name");
        if (named != null && !name.equals(named)) {
            return JsonBody.error(400, "invalid service spec: 'name' must be the name in the path ('" + name + "')",
                    Map.of("field", "name"), Map.of());
        }
        Map<String, Object> spec = new LinkedHashMap<>(properties);
        spec.put("name", name);
        supervisor.deploy(ServiceSpec.fromProperties(spec));
        return status(name);
    }

    private ServiceResponse status(String name) {
        return supervisor.status(name).map(s -> JsonBody.of(200, view(s))).orElseGet(() -> unknown(name));
    }

    private static ServiceResponse unknown(String name) {
        return JsonBody.error(404, "no service named '" + name + "'", Map.of("service", name), Map.of());
    }

    /** A service as the admin API shows it: its status and its spec's limits, flat. */
    static Map<String, Object> view(ServiceStatus s) {
        ServiceSpec spec = s.spec();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", spec.name());
        v.put("driver", spec.driver());
        v.put("image", spec.image());
        v.put("state", s.state().name());
        v.put("instances", s.instances());
        v.put("inFlight", s.inFlight());
        v.put("queued", s.queued());
        v.put("coldStarts", s.coldStarts());
        v.put("requests", s.requests());
        v.put("rejected", s.rejected());
        v.put("failures", s.failures());
        v.put("activeMillis", s.activeMillis());
        v.put("cpuMillis", s.cpuMillis());
        v.put("peakMemoryBytes", s.peakMemoryBytes());
        v.put("lastError", s.lastError());
        v.put("targetConcurrency", spec.targetConcurrency());
        v.put("minInstances", spec.minInstances());
        v.put("maxInstances", spec.maxInstances());
        v.put("idleTimeoutMillis", spec.idleTimeoutMillis());
        v.put("activationTimeoutMillis", spec.activationTimeoutMillis());
        v.put("queueBound", spec.queueBound());
        v.put("memoryLimitBytes", spec.memoryLimitBytes());
        v.put("cpuLimitMillicores", spec.cpuLimitMillicores());
        return v;
    }
}
