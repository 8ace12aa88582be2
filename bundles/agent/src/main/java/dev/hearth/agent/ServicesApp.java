package dev.hearth.agent;

import dev.hearth.agent.api.App;
import dev.hearth.agent.api.Request;
import dev.hearth.agent.api.Response;
import dev.hearth.supervisor.ServiceStatus;
import dev.hearth.supervisor.Supervisor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SVC-V1: the services of the supervisor, for the hub. Bodies are JSON. */
final class ServicesApp implements App {

    static final String ID = "SVC-V1";

    private final Supervisor supervisor;

    ServicesApp(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Response handle(Request request) {
        return ServicesCommand.parse(request).route(routes);
    }

    private final ServicesCommand.Routes<Response> routes = new ServicesCommand.Routes<>() {
        @Override
        public Response list(ServicesCommand.List c) {
            return Response.json(supervisor.statuses().stream().map(ServicesApp::json).toList());
        }

        @Override
        public Response get(ServicesCommand.Get c) {
            return ServicesApp.this.get(c);
        }

        @Override
        public Response deploy(ServicesCommand.Deploy c) {
            supervisor.deploy(c.spec());
            return Response.json(c.spec().toProperties());
        }

        @Override
        public Response remove(ServicesCommand.Remove c) {
            return supervisor.remove(c.name()) ? Response.ok() : unknown(c.name());
        }

        @Override
        public Response start(ServicesCommand.Start c) {
            return known(c.name(), () -> supervisor.scale(c.name(), 1));
        }

        @Override
        public Response stop(ServicesCommand.Stop c) {
            return known(c.name(), () -> supervisor.stop(c.name()));
        }

        @Override
        public Response scale(ServicesCommand.Scale c) {
            return known(c.name(), () -> supervisor.scale(c.name(), c.count()));
        }

        @Override
        public Response reset(ServicesCommand.Reset c) {
            return known(c.name(), () -> supervisor.reset(c.name()));
        }

        @Override
        public Response refused(ServicesCommand.Refused c) {
            return c.response();
        }
    };

    private Response get(ServicesCommand.Get g) {
        Optional<ServiceStatus> status = supervisor.status(g.name());
        if (status.isEmpty()) {
            return unknown(g.name());
        }
        Map<String, Object> out = json(status.get());
        out.put("logs", g.logLines() == 0 ? List.of() : supervisor.logTail(g.name(), g.logLines()));
        return Response.json(out);
    }

    private Response known(String name, Runnable action) {
        if (supervisor.status(name).isEmpty()) {
            return unknown(name);
        }
        action.run();
        return Response.json(json(supervisor.status(name).orElseThrow()));
    }

    private static Response unknown(String name) {
        return Response.notFound("no service named '" + name + "'");
    }

    static Map<String, Object> json(ServiceStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("state", s.state().name());
        m.put("instances", s.instances());
        m.put("inFlight", s.inFlight());
        m.put("queued", s.queued());
        m.put("coldStarts", s.coldStarts());
        m.put("requests", s.requests());
        m.put("rejected", s.rejected());
        m.put("failures", s.failures());
        m.put("activeMillis", s.activeMillis());
        m.put("cpuMillis", s.cpuMillis());
        m.put("peakMemoryBytes", s.peakMemoryBytes());
        m.put("lastError", s.lastError());
        m.put("spec", s.spec().toProperties());
        return m;
    }
}
