package dev.hearth.agent;

import dev.hearth.agent.api.App;
import dev.hearth.isolation.injvm.InJvmIsolationDriver;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/** A device for tests: the real supervisor and in-JVM driver with a {@code hello} handler, and an agent. */
final class Device implements AutoCloseable {

    static final String ID = "board-1";

    /** The reboot of tests: counts (the hardware edge). */
    static final class CountingRebootAction implements RebootAction {
        final AtomicInteger reboots = new AtomicInteger();

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public void reboot() {
            reboots.incrementAndGet();
        }
    }

    final ElasticSupervisor supervisor;
    final InJvmIsolationDriver driver = new InJvmIsolationDriver();
    final CountingRebootAction reboot = new CountingRebootAction();
    final AgentSettings settings;
    final Agent agent;

    Device(String url, Path state, UnaryOperator<AgentSettings> tune) {
        this(url, state, tune, List.of());
    }

    /** A device that also serves the given apps. */
    Device(String url, Path state, UnaryOperator<AgentSettings> tune, List<App> extraApps) {
        supervisor = new ElasticSupervisor(SupervisorSettings.defaults(state.resolve("supervisor")),
                (topic, props) -> {
                    Agent a = agentRef;
                    if (a != null) {
                        a.supervisorEvent(String.valueOf(props.get("service")), -1);
                    }
                });
        supervisor.addDriver(driver);
        driver.addFactory("hello", ctx -> request -> ServiceResponse.of(200, "text/plain",
                "hello".getBytes(StandardCharsets.UTF_8)));
        settings = tune.apply(AgentSettings.defaults(url, ID, state.resolve("agent"))
                .withAllowedRequesters(java.util.Set.of("hub-1", "hub-2")));
        DeviceFacts facts = new DeviceFacts(ID, "test-board", "0001", "1.2.3", "A", "felix", "7");
        List<App> apps = new ArrayList<>(Agent.standardApps(supervisor, reboot, facts));
        apps.addAll(extraApps);
        agent = new Agent(settings, supervisor, facts, apps);
        agentRef = agent;
        agent.start();
    }

    private volatile Agent agentRef;

    @Override
    public void close() {
        agent.close();
        supervisor.close();
        driver.close();
    }
}
