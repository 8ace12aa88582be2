package dev.hearth.agent;

import dev.hearth.agent.api.App;
import dev.hearth.agent.api.EventPublisher;
import dev.hearth.agent.wire.Namespace;
import dev.hearth.agent.wire.TlsFiles;
import dev.hearth.supervisor.Supervisor;
import dev.hearth.supervisor.SupervisorEvents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent as a Declarative Services component: configuration PID {@value #PID}. It serves SVC-V1,
 * SYS-V1 (reboot: restart the framework, see {@link FrameworkRestartRebootAction}), CONF-V1 and DEPLOY-V2
 * (bundles installed through this bundle's context), and
 * turns supervisor events into telemetry. Apps of other bundles are {@link App} services, tracked
 * dynamically. Firmware version and slot come from the framework
 * properties {@code hearth.firmware.version} and {@code hearth.slot}, "unknown" when absent.
 */
// Immediate: as an Event Admin handler it would otherwise be created only when an event arrives,
// and a device whose services never change state would never connect.
@Component(name = AgentComponent.PID, configurationPid = AgentComponent.PID, immediate = true,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {EventHandler.class, EventPublisher.class},
        property = EventConstants.EVENT_TOPIC + "=dev/hearth/supervisor/*")
@Designate(ocd = AgentComponent.Config.class)
public final class AgentComponent implements EventHandler, EventPublisher {

    public static final String PID = "dev.hearth.agent";

    @ObjectClassDefinition(id = PID, name = "Hearth MQTT agent",
            description = "Connects the device to the hub's broker and serves Kura's control namespace.")
    public @interface Config {
        @AttributeDefinition(description = "Broker URL, tcp://host:port or ssl://host:port")
        String brokerUrl() default AgentSettings.DEFAULT_BROKER_URL;

        @AttributeDefinition(description = "Account (Kapua tenant)")
        String account() default AgentSettings.DEFAULT_ACCOUNT;

        @AttributeDefinition(description = "Control topic prefix")
        String controlPrefix() default Namespace.DEFAULT_CONTROL_PREFIX;

        @AttributeDefinition(description = "This device's MQTT client id")
        String clientId() default AgentSettings.DEFAULT_CLIENT_ID;

        @AttributeDefinition(description = "Broker user name; empty for none", required = false)
        String username() default "";

        @AttributeDefinition(description = "Broker password", type = AttributeType.PASSWORD, required = false)
        String password() default "";

        @AttributeDefinition(description = "PEM file of CA certificates for ssl:// brokers; empty: the JVM's", required = false)
        String tlsCaFile() default "";

        @AttributeDefinition(description = "PEM file of this device's client certificate", required = false)
        String tlsClientCertFile() default "";

        @AttributeDefinition(description = "PEM file of its PKCS#8 private key", required = false)
        String tlsClientKeyFile() default "";

        @AttributeDefinition(description = "Hub client ids whose requests are obeyed (comma separated)")
        String[] allowedRequesters() default {AgentSettings.DEFAULT_ALLOWED_REQUESTERS};

        @AttributeDefinition(description = "Ed25519 public keys of the hubs, Base64 of X.509 DER", required = false)
        String[] hubKeys() default {};

        @AttributeDefinition(description = "Obey only signed requests (GET excepted)")
        boolean signingRequired() default false;

        @AttributeDefinition(description = "Seconds between telemetry messages; 0 for only on state changes")
        int telemetryIntervalSeconds() default AgentSettings.DEFAULT_TELEMETRY_INTERVAL_SECONDS;

        @AttributeDefinition(description = "Directory of the outbox and audit log; empty: <hearth.state>/agent", required = false)
        String storeDirectory() default "";

        @AttributeDefinition(description = "Messages kept while the broker is away")
        int storeCapacity() default AgentSettings.DEFAULT_STORE_CAPACITY;

        @AttributeDefinition(description = "How long one connection attempt may take before it is abandoned, in ms"
                + " (an emulated board needs seconds)")
        int connectTimeoutMillis() default AgentSettings.DEFAULT_CONNECT_TIMEOUT_MILLIS;

        @AttributeDefinition(description = "Largest request accepted, in bytes")
        int maxPayloadBytes() default AgentSettings.DEFAULT_MAX_PAYLOAD_BYTES;
    }

    private static final Logger LOG = LoggerFactory.getLogger(AgentComponent.class);

    private final Agent agent;
    private final DeployApp deploy;
    private final List<App> builtIn;
    private final List<App> added = new ArrayList<>();

    @Activate
    public AgentComponent(@Reference Supervisor supervisor,
                          @Reference(cardinality = ReferenceCardinality.OPTIONAL) ConfigurationAdmin configAdmin,
                          BundleContext context, Config config) {
        AgentSettings settings = settings(config, context);
        DeviceFacts facts = new DeviceFacts(settings.clientId(), property(context, "hearth.board"),
                property(context, "hearth.serial"), property(context, "hearth.firmware.version"),
                property(context, "hearth.slot"), context.getBundle(0).getSymbolicName(),
                context.getBundle(0).getVersion().toString());
        List<App> apps = new ArrayList<>(Agent.standardApps(supervisor, new FrameworkRestartRebootAction(context), facts));
        if (configAdmin != null) {
            apps.add(new ConfigurationApp(configAdmin));
        }
        deploy = new DeployApp(new FrameworkBundleInstaller(context), settings.storeDirectory().resolve("deploy"),
                settings.clientId());
        apps.add(deploy);
        builtIn = List.copyOf(apps);
        agent = new Agent(settings, supervisor, facts, apps);
        agent.start();
    }

    /** An app from another bundle (OTA-V1 …): served from now on, announced on MQTT/APPS. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeApp")
    void addApp(App app) {
        synchronized (added) {
            if (builtIn.stream().anyMatch(a -> a.id().equals(app.id()))
                    || added.stream().anyMatch(a -> a.id().equals(app.id()))) {
                LOG.warn("agent: a second app with id {} ({}) is not served", app.id(), app.getClass().getName());
                return;
            }
            added.add(app);
            agent.replaceApps(all());
        }
    }

    void removeApp(App app) {
        synchronized (added) {
            if (added.remove(app)) {
                agent.replaceApps(all());
            }
        }
    }

    private List<App> all() {
        List<App> apps = new ArrayList<>(builtIn);
        apps.addAll(added);
        return apps;
    }

    @Override
    public void handleEvent(Event event) {
        Object service = event.getProperty(SupervisorEvents.SERVICE);
        Object activation = event.getProperty(SupervisorEvents.ACTIVATION_MILLIS);
        agent.supervisorEvent(service == null ? "" : service.toString(),
                activation instanceof Number n ? n.longValue() : -1);
    }

    /** Device events of other bundles (the updater's): see {@link Agent#publish}. */
    @Override
    public void publish(String path, Map<String, Object> metrics) {
        agent.publish(path, metrics);
    }

    @Deactivate
    void deactivate() {
        agent.close();
        deploy.close();
    }

    static AgentSettings settings(Config c, BundleContext context) {
        Path store = c.storeDirectory().isBlank()
                ? Path.of(Optional.ofNullable(context.getProperty("hearth.state")).orElse("var"), "agent")
                : Path.of(c.storeDirectory());
        return new AgentSettings(c.brokerUrl(), new Namespace(c.controlPrefix(), c.account()), c.clientId(),
                c.username(), c.password(), new TlsFiles(path(c.tlsCaFile()), path(c.tlsClientCertFile()),
                path(c.tlsClientKeyFile())), new LinkedHashSet<>(split(c.allowedRequesters())),
                AgentSettings.keys(split(c.hubKeys()).toArray(new String[0])), c.signingRequired(),
                AgentSettings.DEFAULT_MAX_SIGNATURE_LIFETIME_MILLIS, c.telemetryIntervalSeconds(), store,
                c.storeCapacity(), c.maxPayloadBytes(), AgentSettings.DEFAULT_KEEP_ALIVE_SECONDS,
                AgentSettings.DEFAULT_RECONNECT_MIN_MILLIS, AgentSettings.DEFAULT_RECONNECT_MAX_MILLIS,
                c.connectTimeoutMillis());
    }

    /** Values may come as one comma-separated string (a .cfg file) or as an array. */
    private static List<String> split(String[] values) {
        return Arrays.stream(values).flatMap(v -> Arrays.stream(v.split(","))).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
    }

    private static Optional<Path> path(String s) {
        return s.isBlank() ? Optional.empty() : Optional.of(Path.of(s));
    }

    private static String property(BundleContext context, String key) {
        String v = context.getProperty(key);
        return v == null || v.isBlank() ? DeviceFacts.UNKNOWN : v;
    }
}
