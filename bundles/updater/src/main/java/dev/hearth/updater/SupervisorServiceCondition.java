package dev.hearth.updater;

import dev.hearth.supervisor.ServiceState;
import dev.hearth.supervisor.ServiceStatus;
import dev.hearth.supervisor.Supervisor;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Met when a personal-data service is registered with the supervisor and can serve: idle (scaled to
 * zero), activating or active; not failed and not unavailable.
 */
public final class SupervisorServiceCondition implements HealthCondition {

    private final Supplier<Optional<Supervisor>> supervisor;
    private final String service;

    public SupervisorServiceCondition(Supplier<Optional<Supervisor>> supervisor, String service) {
        this.supervisor = supervisor;
        this.service = service;
    }

    @Override
    public String name() {
        return "supervisor service '" + service + "'";
    }

    @Override
    public Optional<String> unmet() {
        Optional<Supervisor> s = supervisor.get();
        if (s.isEmpty()) {
            return Optional.of("no supervisor yet");
        }
        Optional<ServiceStatus> status = s.get().status(service);
        if (status.isEmpty()) {
            return Optional.of("not registered");
        }
        ServiceState state = status.get().state();
        if (state == ServiceState.FAILED || state == ServiceState.UNAVAILABLE) {
            return Optional.of(state + (status.get().lastError().isEmpty() ? "" : " (" + status.get().lastError() + ")"));
        }
        return Optional.empty();
    }
}
