package dev.hearth.updater;

import dev.hearth.agent.api.App;
import dev.hearth.agent.api.EventPublisher;
import dev.hearth.agent.api.Request;
import dev.hearth.agent.api.Response;
import dev.hearth.supervisor.Supervisor;
import dev.hearth.updater.api.RebootAction;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The updater as a Declarative Services component (configuration PID {@value #PID}, required: a
 * device without slots described has no updater). Serves OTA-V1 as an agent {@link App} and runs
 * the health check after a boot into a slot being tried. Reboots through whichever
 * {@link RebootAction} service is registered; posts {@link UpdaterEvents} to Event Admin and hands them
 * to the agent's {@link EventPublisher} for the hub ({@link EventRelay}).
 */
@Component(name = UpdaterComponent.PID, configurationPid = UpdaterComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = App.class)
@Designate(ocd = UpdaterComponent.Config.class)
public final class UpdaterComponent implements App {

    public static final String PID = "dev.hearth.updater";

    @ObjectClassDefinition(id = PID, name = "Hearth updater",
            description = "Installs update bundles into the inactive slot, checks health after a boot, marks slots.")
    public @interface Config {
        @AttributeDefinition(description = "Board name update bundles must be compatible with")
        String board();

        @AttributeDefinition(description = "Slots, name:class:device:bootName, e.g. rootfs.0:rootfs:/dev/vda2:A")
        String[] slots();

        @AttributeDefinition(description = "PEM file of the trusted CA certificates (a keyring payload replaces it)")
        String keyringFile();

        @AttributeDefinition(description = "The U-Boot environment: one file, or the two redundant copies")
        String[] environmentFiles() default {"/boot/uboot.env", "/boot/uboot-redund.env"};

        @AttributeDefinition(description = "Bytes of each environment copy")
        int environmentSize() default 0x4000;

        @AttributeDefinition(description = "The update record (installed counter, pending update); empty: <hearth.state>/updater/record.json",
                required = false)
        String recordFile() default "";

        @AttributeDefinition(description = "Boot name of the running slot; empty: framework property hearth.slot", required = false)
        String bootedSlot() default "";

        @AttributeDefinition(description = "Running firmware version; empty: framework property hearth.firmware.version",
                required = false)
        String firmwareVersion() default "";

        @AttributeDefinition(description = "Running firmware's anti-rollback counter; -1: framework property hearth.firmware.counter, else 0")
        long firmwareCounter() default -1;

        @AttributeDefinition(description = "A file that changes with every kernel boot")
        String bootIdFile() default "/proc/sys/kernel/random/boot_id";

        @AttributeDefinition(description = "Reboot once an install is done (otherwise only report that one is due)")
        boolean rebootAfterInstall() default true;

        @AttributeDefinition(description = "Check health after a boot into a slot being tried, then mark it good")
        boolean healthCheck() default true;

        @AttributeDefinition(description = "Seconds the userland has to become healthy")
        int healthDeadlineSeconds() default 600;

        @AttributeDefinition(description = "Milliseconds between health checks")
        int healthPollMillis() default 1000;

        @AttributeDefinition(description = "Seconds an install from chunks (OTA-V1 over MQTT) waits for the next chunk")
        int chunkTimeoutSeconds() default 30;

        @AttributeDefinition(description = "LDAP filters of OSGi services that must be registered")
        String[] healthRequiredFilters() default {"(objectClass=dev.hearth.supervisor.Supervisor)",
                "(component.name=dev.hearth.agent)"};

        @AttributeDefinition(description = "Supervisor services that must be registered and not failed or unavailable",
                required = false)
        String[] healthRequiredServices() default {};

        @AttributeDefinition(description = "The userland store for userland-only updates; empty: framework property "
                + "hearth.userland (set by the launcher's --userland), else userland updates are refused", required = false)
        String userlandDirectory() default "";
    }

    private final Updater updater;
    private final OtaApp app;
    private final ServiceTracker<Supervisor, Supervisor> supervisors;
    private final HealthCheck health;
    private volatile RebootAction reboot;
    private volatile EventAdmin eventAdmin;
    private volatile EventPublisher publisher;
    private final EventRelay events = new EventRelay();

    @Activate
    public UpdaterComponent(BundleContext context, Config config) throws IOException {
        UpdaterSettings settings = settings(config, context);
        updater = new Updater(settings, () -> Optional.ofNullable(reboot), events,
                settings.userland().isPresent() ? new SystemBundleUserlandRestart(context) : UserlandRestart.NONE);
        app = new OtaApp(updater, Duration.ofSeconds(Math.max(1, config.chunkTimeoutSeconds())));
        supervisors = new ServiceTracker<>(context, Supervisor.class, null);
        supervisors.open();
        List<HealthCondition> conditions = new ArrayList<>();
        for (String f : settings.health().requiredFilters()) {
            conditions.add(new ServiceFilterCondition(context, f));
        }
        for (String s : settings.health().requiredServices()) {
            conditions.add(new SupervisorServiceCondition(() -> Optional.ofNullable(supervisors.getService()), s));
        }
        health = new HealthCheck(updater, conditions, settings.health().deadline(), settings.health().pollInterval());
        if (settings.health().enabled()) {
            health.start();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, unbind = "unsetReboot")
    void setReboot(RebootAction action) {
        reboot = action;
    }

    void unsetReboot(RebootAction action) {
        if (reboot == action) {
            reboot = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, unbind = "unsetEventAdmin")
    void setEventAdmin(EventAdmin ea) {
        eventAdmin = ea;
        events.eventAdmin(Optional.of(ea));
    }

    void unsetEventAdmin(EventAdmin ea) {
        if (eventAdmin == ea) {
            eventAdmin = null;
            events.eventAdmin(Optional.empty());
        }
    }

    /** The agent: publishes the updater's events to the hub (held until it is there). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, unbind = "unsetPublisher")
    void setPublisher(EventPublisher p) {
        publisher = p;
        events.publisher(Optional.of(p));
    }

    void unsetPublisher(EventPublisher p) {
        if (publisher == p) {
            publisher = null;
            events.publisher(Optional.empty());
        }
    }

    @Override
    public String id() {
        return app.id();
    }

    @Override
    public Response handle(Request request) {
        return app.handle(request);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        health.close();
        supervisors.close();
        updater.close();
    }

    static UpdaterSettings settings(Config c, BundleContext context) {
        String state = Optional.ofNullable(context.getProperty("hearth.state")).orElse("var");
        Path record = c.recordFile().isBlank() ? Path.of(state, "updater", "record.json") : Path.of(c.recordFile());
        long counter = c.firmwareCounter() >= 0 ? c.firmwareCounter()
                : Long.parseLong(Optional.ofNullable(context.getProperty("hearth.firmware.counter")).orElse("0").trim());
        return new UpdaterSettings(c.board(), UpdaterSettings.parseSlots(split(c.slots())), Path.of(c.keyringFile()),
                split(c.environmentFiles()).stream().map(Path::of).toList(), c.environmentSize(), record,
                or(c.bootedSlot(), context.getProperty("hearth.slot"), ""),
                or(c.firmwareVersion(), context.getProperty("hearth.firmware.version"), "unknown"), counter,
                Path.of(c.bootIdFile()), c.rebootAfterInstall(),
                new UpdaterSettings.HealthSettings(c.healthCheck(), Duration.ofSeconds(c.healthDeadlineSeconds()),
                        Duration.ofMillis(c.healthPollMillis()), Arrays.asList(c.healthRequiredFilters()),
                        split(c.healthRequiredServices())),
                Optional.of(or(c.userlandDirectory(), context.getProperty("hearth.userland"), ""))
                        .filter(d -> !d.isEmpty()).map(Path::of));
    }

    private static String or(String configured, String property, String otherwise) {
        if (!configured.isBlank()) {
            return configured.trim();
        }
        return property == null || property.isBlank() ? otherwise : property.trim();
    }

    /** Values may come as one comma-separated string (a .cfg file) or as an array. */
    private static List<String> split(String[] values) {
        return Arrays.stream(values).flatMap(v -> Arrays.stream(v.split(","))).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
    }
}
