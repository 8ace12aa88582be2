package dev.hearth.supervisor.elastic;

import dev.hearth.supervisor.InvalidServiceSpecException;
import dev.hearth.supervisor.ServiceSpec;
import dev.hearth.supervisor.Supervisor;
import java.util.HashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service spec from a Config Admin factory configuration ({@value #FACTORY_PID}): deployed
 * while the configuration exists, removed when it is deleted. The properties are the spec's
 * fields; {@code name} defaults to the configuration's name ({@code dev.hearth.service~notes}).
 * Properties with a dot in their name belong to Config Admin and DS and are not spec fields.
 */
@Component(service = {}, configurationPid = ConfiguredService.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class ConfiguredService {

    public static final String FACTORY_PID = "dev.hearth.service";

    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredService.class);

    private final Supervisor supervisor;
    private String deployed = "";

    @Activate
    public ConfiguredService(Map<String, Object> properties, @Reference Supervisor supervisor) {
        this.supervisor = supervisor;
        apply(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    @Deactivate
    void deactivate() {
        if (!deployed.isEmpty()) {
            supervisor.remove(deployed);
        }
    }

    private void apply(Map<String, Object> properties) {
        String pid = String.valueOf(properties.getOrDefault("service.pid", FACTORY_PID));
        ServiceSpec spec;
        try {
            spec = ServiceSpec.fromProperties(specProperties(properties));
        } catch (InvalidServiceSpecException e) {
            // The configuration stays; the service does not run until it is fixed.
            LOG.error("configuration {}: {}", pid, e.getMessage());
            return;
        }
        if (!deployed.isEmpty() && !deployed.equals(spec.name())) {
            supervisor.remove(deployed);
        }
        supervisor.deploy(spec);
        deployed = spec.name();
    }

    static Map<String, Object> specProperties(Map<String, Object> properties) {
        Map<String, Object> spec = new HashMap<>();
        properties.forEach((key, value) -> {
            if (key.indexOf('.') < 0) {
                spec.put(key, value);
            }
        });
        Object pid = properties.get("service.pid");
        if (!spec.containsKey("name") && pid instanceof String p && p.indexOf('~') > 0) {
            spec.put("name", p.substring(p.indexOf('~') + 1));
        }
        return spec;
    }
}
