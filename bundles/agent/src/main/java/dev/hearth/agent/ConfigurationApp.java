package dev.hearth.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.agent.api.App;
import dev.hearth.agent.api.Request;
import dev.hearth.agent.api.Response;
import dev.hearth.agent.wire.Method;
import java.io.IOException;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * CONF-V1: the Config Admin configurations of Hearth's components (PIDs starting with
 * {@code dev.hearth.}), as JSON objects.
 * <pre>
 * GET configurations           every Hearth configuration: [{"pid":…, "properties":{…}}]
 * GET configurations/&lt;pid&gt;     one
 * PUT configurations/&lt;pid&gt;     replace its properties with the body's JSON object
 * </pre>
 * Values of properties whose name contains "password" or "key" are shown as "********".
 */
final class ConfigurationApp implements App {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final String ID = "CONF-V1";
    static final String HEARTH_PIDS = "dev.hearth.";
    static final String MASK = "********";

    sealed interface Command {
        /** Exhaustive routing: one method per command. */
        interface Routes<R> {
            R list(List c) throws IOException, InvalidSyntaxException;
            R get(Get c) throws IOException, InvalidSyntaxException;
            R put(Put c) throws IOException;
            R refused(Refused c);
        }

        <R> R route(Routes<R> routes) throws IOException, InvalidSyntaxException;

        record List() implements Command {
            @Override public <R> R route(Routes<R> r) throws IOException, InvalidSyntaxException { return r.list(this); }
        }
        record Get(String pid) implements Command {
            @Override public <R> R route(Routes<R> r) throws IOException, InvalidSyntaxException { return r.get(this); }
        }
        record Put(String pid, Map<String, Object> properties) implements Command {
            @Override public <R> R route(Routes<R> r) throws IOException { return r.put(this); }
        }
        record Refused(Response response) implements Command {
            @Override public <R> R route(Routes<R> r) { return r.refused(this); }
        }

        static Command parse(Request r) {
            java.util.List<String> res = r.resource();
            if (res.isEmpty() || !res.get(0).equals("configurations") || res.size() > 2) {
                return new Refused(Response.notFound("CONF-V1 has no " + r.method() + " " + r.topic().resourcePath()));
            }
            if (res.size() == 1) {
                return r.method() == Method.GET ? new List()
                        : new Refused(Response.notFound("CONF-V1 has no " + r.method() + " configurations"));
            }
            String pid = res.get(1);
            if (!pid.startsWith(HEARTH_PIDS)) {
                return new Refused(Response.notFound("'" + pid + "' is not a Hearth configuration"));
            }
            return switch (r.method()) {
                case GET -> new Get(pid);
                case PUT -> {
                    try {
                        Map<String, Object> props = JSON.readValue(r.payload().body(), JSON
                                .getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
                        yield props == null ? new Refused(Response.badRequest("the body must be a JSON object"))
                                : new Put(pid, props);
                    } catch (IOException e) {
                        yield new Refused(Response.badRequest("the body must be a JSON object: " + e.getMessage()));
                    }
                }
                case POST, DEL, EXEC -> new Refused(Response.notFound("CONF-V1 has no " + r.method() + " configurations/<pid>"));
            };
        }
    }

    private final ConfigurationAdmin admin;

    ConfigurationApp(ConfigurationAdmin admin) {
        this.admin = admin;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Response handle(Request request) {
        try {
            return Command.parse(request).route(new Command.Routes<Response>() {
                @Override
                public Response list(Command.List c) throws IOException, InvalidSyntaxException {
                    Configuration[] all = admin.listConfigurations("(service.pid=" + HEARTH_PIDS + "*)");
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (Configuration conf : all == null ? new Configuration[0] : all) {
                        out.add(json(conf));
                    }
                    out.sort((x, y) -> x.get("pid").toString().compareTo(y.get("pid").toString()));
                    return Response.json(out);
                }

                @Override
                public Response get(Command.Get c) throws IOException, InvalidSyntaxException {
                    Configuration[] found = admin.listConfigurations("(service.pid=" + escape(c.pid()) + ")");
                    return found == null || found.length == 0 ? Response.notFound("no configuration '" + c.pid() + "'")
                            : Response.json(json(found[0]));
                }

                @Override
                public Response put(Command.Put c) throws IOException {
                    return ConfigurationApp.this.put(c);
                }

                @Override
                public Response refused(Command.Refused c) {
                    return c.response();
                }
            });
        } catch (IOException | InvalidSyntaxException e) {
            return Response.error("Config Admin", e);
        }
    }

    private Response put(Command.Put p) throws IOException {
        Dictionary<String, Object> d = new Hashtable<>();
        for (Map.Entry<String, Object> e : p.properties().entrySet()) {
            Object v = value(e.getValue());
            if (v == null) {
                return Response.badRequest("property '" + e.getKey() + "' must be a string, number, boolean or a list of strings");
            }
            if (MASK.equals(v)) {
                return Response.badRequest("property '" + e.getKey() + "' holds the mask; give the real value or leave it out");
            }
            d.put(e.getKey(), v);
        }
        Configuration c = admin.getConfiguration(p.pid(), "?");
        c.update(d);
        return Response.json(json(c));
    }

    private static Object value(Object v) {
        if (v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof List<?> list && list.stream().allMatch(x -> x instanceof String)) {
            return list.toArray(new String[0]);
        }
        return null;
    }

    private static Map<String, Object> json(Configuration c) {
        Map<String, Object> props = new TreeMap<>();
        Dictionary<String, Object> d = c.getProperties();
        if (d != null) {
            for (String key : Collections.list(d.keys())) {
                Object v = d.get(key);
                String lower = key.toLowerCase(Locale.ROOT);
                if (lower.contains("password") || lower.contains("key")) {
                    props.put(key, MASK);
                } else if (v != null && v.getClass().isArray()) {
                    List<Object> items = new ArrayList<>();
                    for (int i = 0; i < Array.getLength(v); i++) {
                        items.add(Array.get(v, i));
                    }
                    props.put(key, items);
                } else {
                    props.put(key, v);
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", c.getPid());
        m.put("factoryPid", c.getFactoryPid() == null ? "" : c.getFactoryPid());
        m.put("properties", props);
        return m;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("*", "\\*").replace("(", "\\(").replace(")", "\\)");
    }
}
