package dev.hearth.agent;

import dev.hearth.agent.api.App;
import dev.hearth.agent.api.Request;
import dev.hearth.agent.api.Response;
import dev.hearth.agent.wire.Method;
import java.util.Map;
import java.util.function.Supplier;

/** SYS-V1: GET info (the birth certificate's metrics, also as JSON), EXEC reboot. */
final class SystemApp implements App {

    static final String ID = "SYS-V1";

    /** SYS-V1's commands, parsed once. */
    sealed interface Command {
        /** Exhaustive routing: one method per command. */
        interface Routes<R> {
            R info(Info c);
            R reboot(Reboot c);
            R refused(Refused c);
        }

        <R> R route(Routes<R> routes);

        record Info() implements Command {
            @Override public <R> R route(Routes<R> r) { return r.info(this); }
        }
        record Reboot() implements Command {
            @Override public <R> R route(Routes<R> r) { return r.reboot(this); }
        }
        record Refused(Response response) implements Command {
            @Override public <R> R route(Routes<R> r) { return r.refused(this); }
        }

        static Command parse(Request r) {
            String path = r.topic().resourcePath();
            if (r.method() == Method.GET && path.equals("info")) {
                return new Info();
            }
            if (r.method() == Method.EXEC && path.equals("reboot")) {
                return new Reboot();
            }
            return new Refused(Response.notFound("SYS-V1 has no " + r.method() + " " + path));
        }
    }

    private final Supplier<Map<String, Object>> info;
    private final RebootAction reboot;

    SystemApp(Supplier<Map<String, Object>> info, RebootAction reboot) {
        this.info = info;
        this.reboot = reboot;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Response handle(Request request) {
        return Command.parse(request).route(new Command.Routes<>() {
            @Override
            public Response info(Command.Info c) {
                Map<String, Object> metrics = info.get();
                return new Response(Response.OK, metrics, Response.json(metrics).body(), java.util.Optional.empty());
            }

            @Override
            public Response reboot(Command.Reboot c) {
                return new Response(Response.OK, Map.of("reboot.action", reboot.name()), new byte[0],
                        java.util.Optional.empty()).then(reboot::reboot);
            }

            @Override
            public Response refused(Command.Refused c) {
                return c.response();
            }
        });
    }
}
