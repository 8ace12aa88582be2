package dev.hearth.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceSpecTest {

    @Test
    void aSpecWithOnlyTheRequiredFieldsTakesEveryDefault() {
        ServiceSpec spec = ServiceSpec.of("notes", "injvm", "notes");
        assertEquals(ServiceSpec.DEFAULT_TARGET_CONCURRENCY, spec.targetConcurrency());
        assertEquals(ServiceSpec.DEFAULT_MIN_INSTANCES, spec.minInstances());
        assertEquals(ServiceSpec.DEFAULT_IDLE_TIMEOUT_MILLIS, spec.idleTimeoutMillis());
        assertEquals(ServiceSpec.DEFAULT_QUEUE_BOUND, spec.queueBound());
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource({
            "name,Notes", "name,-x", "name,''", "driver,CRUN", "image,' '", "targetConcurrency,0",
            "minInstances,-1", "maxInstances,0", "idleTimeoutMillis,-5", "activationTimeoutMillis,0",
            "queueBound,-1", "memoryLimitBytes,1000", "cpuLimitMillicores,0", "targetConcurrency,lots"})
    void anInvalidFieldIsRefusedWithAnErrorNamingIt(String field, String value) {
        Map<String, Object> props = new HashMap<>(Map.of("name", "notes", "driver", "injvm", "image", "notes"));
        props.put(field, value);
        InvalidServiceSpecException e = assertThrows(InvalidServiceSpecException.class,
                () -> ServiceSpec.fromProperties(props));
        assertEquals(field, e.field());
        assertTrue(e.getMessage().contains("'" + field + "'"), e.getMessage());
    }

    @Test
    void aMinimumAboveTheMaximumIsRefused() {
        InvalidServiceSpecException e = assertThrows(InvalidServiceSpecException.class,
                () -> ServiceSpec.builder("notes", "injvm", "notes").minInstances(3).maxInstances(2).build());
        assertEquals("minInstances", e.field());
    }

    @Test
    void anUnknownKeyIsRefusedAndTheKnownOnesAreListed() {
        InvalidServiceSpecException e = assertThrows(InvalidServiceSpecException.class, () -> ServiceSpec
                .fromProperties(Map.of("name", "notes", "driver", "injvm", "image", "notes", "maxInstance", 3)));
        assertEquals("maxInstance", e.field());
        assertTrue(e.getMessage().contains("maxInstances"), e.getMessage());
    }

    @Test
    void aMissingRequiredFieldIsNamed() {
        InvalidServiceSpecException e = assertThrows(InvalidServiceSpecException.class,
                () -> ServiceSpec.fromProperties(Map.of("name", "notes", "image", "notes")));
        assertEquals("driver", e.field());
    }

    @Test
    void propertiesRoundTripIncludingNumbersGivenAsStrings() {
        ServiceSpec spec = ServiceSpec.builder("photos", "crun", "oci:/images/photos").targetConcurrency(4)
                .minInstances(1).maxInstances(9).idleTimeoutMillis(1500).memoryLimitBytes(128L << 20).build();
        assertEquals(spec, ServiceSpec.fromProperties(spec.toProperties()));

        Map<String, Object> strings = new HashMap<>();
        spec.toProperties().forEach((k, v) -> strings.put(k, String.valueOf(v)));
        assertEquals(spec, ServiceSpec.fromProperties(strings));
    }
}
