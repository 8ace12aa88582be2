package dev.hearth.supervisor.elastic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hearth.supervisor.InvalidServiceSpecException;
import dev.hearth.supervisor.ServiceSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfiguredServiceTest {

    @Test
    void configAdminAndDsPropertiesAreNotSpecFieldsAndTheNameComesFromTheConfigurationName() {
        Map<String, Object> props = Map.of("service.pid", "dev.hearth.service~notes",
                "service.factoryPid", "dev.hearth.service", "component.name", "x", "component.id", 7L,
                "driver", "injvm", "image", "notes", "idleTimeoutMillis", "2000");

        ServiceSpec spec = ServiceSpec.fromProperties(ConfiguredService.specProperties(props));

        assertEquals("notes", spec.name());
        assertEquals(2000, spec.idleTimeoutMillis());
    }

    @Test
    void aNameInThePropertiesWinsOverTheConfigurationName() {
        Map<String, Object> props = Map.of("service.pid", "dev.hearth.service~a", "name", "b",
                "driver", "injvm", "image", "notes");
        assertEquals("b", ServiceSpec.fromProperties(ConfiguredService.specProperties(props)).name());
    }

    @Test
    void aTypoInAConfigurationFileIsRefusedNamingTheKey() {
        Map<String, Object> props = Map.of("service.pid", "dev.hearth.service~notes",
                "driver", "injvm", "image", "notes", "idleTimeoutMilis", "2000");
        InvalidServiceSpecException e = assertThrows(InvalidServiceSpecException.class,
                () -> ServiceSpec.fromProperties(ConfiguredService.specProperties(props)));
        assertEquals("idleTimeoutMilis", e.field());
    }
}
