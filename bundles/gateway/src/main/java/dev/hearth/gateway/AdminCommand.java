package dev.hearth.gateway;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;

/**
 * One admin API request, parsed once at the edge from its method, path and query. The whole API:
 * <pre>
 * GET    /api/health                      HEALTH
 * GET    /api/services                    LIST
 * GET    /api/services/&lt;name&gt;             GET      (the status plus its last log lines)
 * PUT    /api/services/&lt;name&gt;             DEPLOY   (body: a JSON service spec)
 * DELETE /api/services/&lt;name&gt;             REMOVE
 * POST   /api/services/&lt;name&gt;/stop        STOP
 * POST   /api/services/&lt;name&gt;/reset       RESET
 * POST   /api/services/&lt;name&gt;/scale?count=N  SCALE
 * </pre>
 * A request that is none of these parses to NOT_FOUND, NOT_ALLOWED (with the allowed methods in
 * {@code detail}) or INVALID (with the problem in {@code detail}).
 *
 * @param action  what to do
 * @param service the service named in the path; empty when none is
 * @param count   the instance count of SCALE; 0 otherwise
 * @param detail  for NOT_FOUND and INVALID the problem, for NOT_ALLOWED the allowed methods; else empty
 */
record AdminCommand(Action action, String service, int count, String detail) {

    enum Action { HEALTH, LIST, GET, DEPLOY, REMOVE, STOP, RESET, SCALE, NOT_FOUND, NOT_ALLOWED, INVALID }

    static AdminCommand parse(String method, String path, String query) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (!p.startsWith("/api/")) {
            return notFound(path);
        }
        String[] parts = p.substring("/api/".length()).split("/", -1);
        if (parts.length == 1 && parts[0].equals("health")) {
            return only(method, "GET", Action.HEALTH, "");
        }
        if (!parts[0].equals("services")) {
            return notFound(path);
        }
        if (parts.length == 1) {
            return only(method, "GET", Action.LIST, "");
        }
        String name = parts[1];
        if (name.isEmpty()) {
            return notFound(path);
        }
        if (parts.length == 2) {
            return switch (method) {
                case "GET" -> of(Action.GET, name);
                case "PUT" -> of(Action.DEPLOY, name);
                case "DELETE" -> of(Action.REMOVE, name);
                default -> new AdminCommand(Action.NOT_ALLOWED, name, 0, "GET, PUT, DELETE");
            };
        }
        if (parts.length == 3) {
            return switch (parts[2]) {
                case "stop" -> only(method, "POST", Action.STOP, name);
                case "reset" -> only(method, "POST", Action.RESET, name);
                case "scale" -> method.equals("POST") ? scale(name, query)
                        : new AdminCommand(Action.NOT_ALLOWED, name, 0, "POST");
                default -> notFound(path);
            };
        }
        return notFound(path);
    }

    private static AdminCommand scale(String name, String query) {
        List<String> counts = new QueryStringDecoder(query, false).parameters().get("count");
        if (counts == null || counts.size() != 1) {
            return new AdminCommand(Action.INVALID, name, 0, "'count' is required once in the query, as ?count=N");
        }
        try {
            int count = Integer.parseInt(counts.get(0).trim());
            if (count < 0) {
                return new AdminCommand(Action.INVALID, name, 0, "'count' must not be negative, was " + count);
            }
            return new AdminCommand(Action.SCALE, name, count, "");
        } catch (NumberFormatException e) {
            return new AdminCommand(Action.INVALID, name, 0, "'count' must be a whole number");
        }
    }

    private static AdminCommand only(String method, String allowed, Action action, String name) {
        return method.equals(allowed) ? of(action, name) : new AdminCommand(Action.NOT_ALLOWED, name, 0, allowed);
    }

    private static AdminCommand of(Action action, String name) {
        return new AdminCommand(action, name, 0, "");
    }

    private static AdminCommand notFound(String path) {
        return new AdminCommand(Action.NOT_FOUND, "", 0, "no admin API at " + path);
    }
}
