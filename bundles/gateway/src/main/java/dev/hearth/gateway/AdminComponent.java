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
 * The admin endpoint as a Declarative Services component: configuration PID {@value #PID}. A host
 * that is not loopback fails activation with a message naming the field.
 */
@Component(name = AdminComponent.PID, configurationPid = AdminComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {})
@Designate(ocd = AdminComponent.Config.class)
public final class AdminComponent {

    public static final String PID = "dev.hearth.admin";

    @ObjectClassDefinition(id = PID, name = "Hearth admin endpoint",
            description = "The loopback-only JSON API over the supervisor.")
    public @interface Config {
        @AttributeDefinition(description = "Loopback address to listen on (127.0.0.1, ::1 or localhost)")
        String host() default AdminSettings.DEFAULT_HOST;

        @AttributeDefinition(description = "Port to listen on; 0 for an ephemeral one")
        int port() default AdminSettings.DEFAULT_PORT;
    }

    private final AdminEndpoint endpoint;

    @Activate
    public AdminComponent(@Reference Supervisor supervisor, Config config) {
        endpoint = new AdminEndpoint(new AdminSettings(config.host(), config.port()), supervisor);
        endpoint.start();
    }

    @Deactivate
    void deactivate() {
        endpoint.close();
    }
}
