package dev.hearth.supervisor.elastic;

import dev.hearth.isolation.IsolationDriver;
import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.ServiceSpec;
import dev.hearth.supervisor.ServiceStatus;
import dev.hearth.supervisor.Supervisor;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The supervisor as an OSGi service: configuration from Config Admin, drivers from the registry, events to Event Admin. */
@Component(service = Supervisor.class, configurationPid = SupervisorComponent.PID, immediate = true)
@Designate(ocd = SupervisorComponent.Config.class)
public final class SupervisorComponent implements Supervisor {

    public static final String PID = "dev.hearth.supervisor";

    /** Framework property naming the state directory when the configuration does not. */
    public static final String STATE_PROPERTY = "hearth.state";

    @ObjectClassDefinition(name = "Hearth supervisor", description = "Registry, activation and scaling of services")
    public @interface Config {
        @AttributeDefinition(description = "Persistent state (service data); empty: the framework property "
                + STATE_PROPERTY + ", else ./var")
        String stateDirectory() default "";

        @AttributeDefinition(description = "Per-instance scratch directory; empty: <stateDirectory>/run")
        String runDirectory() default "";

        @AttributeDefinition(description = "How often idle instances are looked for, in ms")
        int scaleInTickMillis() default SupervisorSettings.DEFAULT_SCALE_IN_TICK_MILLIS;

        @AttributeDefinition(description = "How long a stopping instance may finish its requests, in ms")
        int stopGraceMillis() default SupervisorSettings.DEFAULT_STOP_GRACE_MILLIS;

        @AttributeDefinition(description = "Delay before the first replacement of a failed instance, in ms")
        int restartBackoffMillis() default SupervisorSettings.DEFAULT_RESTART_BACKOFF_MILLIS;

        @AttributeDefinition(description = "Longest delay between replacements, in ms")
        int maxRestartBackoffMillis() default SupervisorSettings.DEFAULT_MAX_RESTART_BACKOFF_MILLIS;

        @AttributeDefinition(description = "Failures in a row after which a service is FAILED")
        int maxConsecutiveFailures() default SupervisorSettings.DEFAULT_MAX_CONSECUTIVE_FAILURES;
    }

    private final ElasticSupervisor supervisor;

    @Activate
    public SupervisorComponent(Config config, BundleContext context, @Reference EventAdmin eventAdmin) {
        this.supervisor = new ElasticSupervisor(settings(config, context.getProperty(STATE_PROPERTY)),
                (topic, properties) -> eventAdmin.postEvent(new Event(topic, properties)));
    }

    static SupervisorSettings settings(Config config, String stateProperty) {
        String state = !config.stateDirectory().isBlank() ? config.stateDirectory()
                : stateProperty != null && !stateProperty.isBlank() ? stateProperty : "var";
        Path stateDirectory = Path.of(state).toAbsolutePath();
        Path runDirectory = config.runDirectory().isBlank() ? stateDirectory.resolve("run")
                : Path.of(config.runDirectory()).toAbsolutePath();
        return new SupervisorSettings(stateDirectory, runDirectory, config.scaleInTickMillis(),
                config.stopGraceMillis(), config.restartBackoffMillis(), config.maxRestartBackoffMillis(),
                config.maxConsecutiveFailures());
    }

    @Deactivate
    void deactivate() {
        supervisor.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addDriver(IsolationDriver driver) {
        supervisor.addDriver(driver);
    }

    void removeDriver(IsolationDriver driver) {
        supervisor.removeDriver(driver);
    }

    @Override
    public void deploy(ServiceSpec spec) {
        supervisor.deploy(spec);
    }

    @Override
    public boolean remove(String name) {
        return supervisor.remove(name);
    }

    @Override
    public Optional<ServiceStatus> status(String name) {
        return supervisor.status(name);
    }

    @Override
    public List<ServiceStatus> statuses() {
        return supervisor.statuses();
    }

    @Override
    public int size() {
        return supervisor.size();
    }

    @Override
    public CompletionStage<ServiceResponse> dispatch(String service, ServiceRequest request) {
        return supervisor.dispatch(service, request);
    }

    @Override
    public void scale(String name, int count) {
        supervisor.scale(name, count);
    }

    @Override
    public void stop(String name) {
        supervisor.stop(name);
    }

    @Override
    public void reset(String name) {
        supervisor.reset(name);
    }

    @Override
    public List<String> logTail(String name, int maxLines) {
        return supervisor.logTail(name, maxLines);
    }
}
