package dev.hearth.gateway;

import dev.hearth.supervisor.Supervisor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The gateway as a Declarative Services component: configuration PID {@value #PID}, started when a
 * {@link Supervisor} is there, closed when it goes or the configuration changes.
 */
@Component(name = GatewayComponent.PID, configurationPid = GatewayComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {})
@Designate(ocd = GatewayComponent.Config.class)
public final class GatewayComponent {

    public static final String PID = "dev.hearth.gateway";

    @ObjectClassDefinition(id = PID, name = "Hearth gateway",
            description = "The HTTP front door that routes requests to services.")
    public @interface Config {
        @AttributeDefinition(description = "Address to listen on")
        String host() default GatewaySettings.DEFAULT_HOST;

        @AttributeDefinition(description = "Port to listen on; 0 for an ephemeral one")
        int port() default GatewaySettings.DEFAULT_PORT;

        @AttributeDefinition(description = "Requests with Host: <service>.<domain> go to that service")
        String domain() default GatewaySettings.DEFAULT_DOMAIN;

        @AttributeDefinition(description = "Retry-After seconds sent with a 503")
        int retryAfterSeconds() default GatewaySettings.DEFAULT_RETRY_AFTER_SECONDS;

        @AttributeDefinition(description = "Milliseconds a client may keep the gateway waiting (request headers, body, or taking the response) and an idle connection stays open")
        int readTimeoutMillis() default GatewaySettings.DEFAULT_READ_TIMEOUT_MILLIS;

        @AttributeDefinition(description = "Longest request line accepted, in bytes")
        int maxInitialLineLength() default GatewaySettings.DEFAULT_MAX_INITIAL_LINE_LENGTH;

        @AttributeDefinition(description = "Most request header bytes accepted")
        int maxHeaderSize() default GatewaySettings.DEFAULT_MAX_HEADER_SIZE;

        @AttributeDefinition(description = "Event loop threads serving connections; 0 for one per core")
        int ioThreads() default GatewaySettings.DEFAULT_IO_THREADS;
    }

    private final Gateway gateway;

    @Activate
    public GatewayComponent(@Reference Supervisor supervisor, Config config) {
        gateway = new Gateway(settings(config), supervisor);
        gateway.start();
    }

    @Deactivate
    void deactivate() {
        gateway.close();
    }

    static GatewaySettings settings(Config config) {
        return new GatewaySettings(config.host(), config.port(), config.domain(), config.retryAfterSeconds(),
                config.readTimeoutMillis(), config.maxInitialLineLength(), config.maxHeaderSize(), config.ioThreads());
    }
}
