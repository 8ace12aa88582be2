package dev.hearth.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.agent.api.Request;
import dev.hearth.agent.api.Response;
import dev.hearth.agent.wire.Method;
import dev.hearth.supervisor.InvalidServiceSpecException;
import dev.hearth.supervisor.ServiceSpec;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands of SVC-V1, parsed once from a request:
 * <pre>
 * GET  services                        List
 * GET  services/&lt;name&gt;                 Get       (metric lines: log lines to include, default 50)
 * PUT  services/&lt;name&gt;                 Deploy    (body: a JSON service spec; its name may be left out)
 * DEL  services/&lt;name&gt;                 Remove
 * EXEC services/&lt;name&gt;/start           Start     (at least one instance)
 * EXEC services/&lt;name&gt;/stop            Stop
 * EXEC services/&lt;name&gt;/scale           Scale     (metric count)
 * EXEC services/&lt;name&gt;/reset           Reset
 * </pre>
 * Anything else parses to {@link Refused} with the response it deserves. Routing is exhaustive: a
 * {@link Routes} must take every command (Java 17 has no pattern switch over sealed types).
 */
sealed interface ServicesCommand {

    /** Reads request bodies. */
    ObjectMapper JSON = new ObjectMapper();

    /** One method per command; adding a command breaks every router until it handles it. */
    interface Routes<R> {
        R list(List c);
        R get(Get c);
        R deploy(Deploy c);
        R remove(Remove c);
        R start(Start c);
        R stop(Stop c);
        R scale(Scale c);
        R reset(Reset c);
        R refused(Refused c);
    }

    <R> R route(Routes<R> routes);

    int DEFAULT_LOG_LINES = 50;
    int MAX_LOG_LINES = 1_000;

    record List() implements ServicesCommand {
        @Override public <R> R route(Routes<R> r) { return r.list(this); }
    }
    record Get(String name, int logLines) implements ServicesCommand {
        @Override public <R> R route(Routes<R> r) { return r.get(this); }
    }
    record Deploy(ServiceSpec spec) implements ServicesCommand {
        @Override public <R> R route(Routes<R> r) { return r.deploy(this); }
    }
    record Remove(String name) implements ServicesCommand {
        @Override public <R> R route(Routes<R> r) { return r.remove(this); }
    }
    record Start(String name) implements ServicesCommand {
        @Override public <R> R route(Routes<R> r) { return r.start(this); }
    }
    record Stop(String name) implements ServicesCommand {
        @Override public <R> R route(Routes<R> r) { return r.stop(this); }
    }
    record Scale(String name, int count) implements ServicesCommand {
        @Override public <R> R route(Routes<R> r) { return r.scale(this); }
    }
    record Reset(String name) implements ServicesCommand {
        @Override public <R> R route(Routes<R> r) { return r.reset(this); }
    }
    record Refused(Response response) implements ServicesCommand {
        @Override public <R> R route(Routes<R> r) { return r.refused(this); }
    }

    static ServicesCommand parse(Request r) {
        java.util.List<String> res = r.resource();
        if (res.isEmpty() || !res.get(0).equals("services")) {
            return notFound(r);
        }
        if (res.size() == 1) {
            return r.method() == Method.GET ? new List() : notFound(r);
        }
        String name = res.get(1);
        if (res.size() == 2) {
            return switch (r.method()) {
                case GET -> {
                    long lines = r.payload().whole("lines").orElse((long) DEFAULT_LOG_LINES);
                    yield lines < 0 || lines > MAX_LOG_LINES
                            ? bad("metric 'lines' must be 0.." + MAX_LOG_LINES + ", was " + lines)
                            : new Get(name, (int) lines);
                }
                case PUT -> deploy(name, r.payload().body());
                case DEL -> new Remove(name);
                case POST, EXEC -> notFound(r);
            };
        }
        if (res.size() == 3 && r.method() == Method.EXEC) {
            return switch (res.get(2)) {
                case "start" -> new Start(name);
                case "stop" -> new Stop(name);
                case "reset" -> new Reset(name);
                case "scale" -> {
                    long count = r.payload().whole("count").orElse(-1L);
                    yield count < 0 || count > 10_000 ? bad("EXEC scale needs metric 'count' of 0..10000")
                            : new Scale(name, (int) count);
                }
                default -> notFound(r);
            };
        }
        return notFound(r);
    }

    private static ServicesCommand deploy(String name, byte[] body) {
        Map<String, Object> props;
        try {
            props = JSON.readValue(body, JSON.getTypeFactory()
                    .constructMapType(LinkedHashMap.class, String.class, Object.class));
        } catch (IOException e) {
            return bad("the body must be a JSON object (a service spec): " + e.getMessage());
        }
        if (props == null) {
            return bad("the body must be a JSON object (a service spec)");
        }
        Object given = props.putIfAbsent("name", name);
        if (given != null && !given.equals(name)) {
            return bad("the spec names '" + given + "' but the topic names '" + name + "'");
        }
        try {
            return new Deploy(ServiceSpec.fromProperties(props));
        } catch (InvalidServiceSpecException e) {
            return bad(e.getMessage());
        }
    }

    private static Refused bad(String message) {
        return new Refused(Response.badRequest(message));
    }

    private static Refused notFound(Request r) {
        return new Refused(Response.notFound("SVC-V1 has no " + r.method() + " " + r.topic().resourcePath()));
    }
}
