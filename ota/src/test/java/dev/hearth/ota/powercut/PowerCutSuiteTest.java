package dev.hearth.ota.powercut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PowerCutSuiteTest {

    @Test
    void aThousandRandomPowerCutsAcrossAnUpdateLeaveNoUnbootableBoard() {
        PowerCutSuite.Outcome o = new PowerCutSuite(256 * 1024, 4096).run(1000, 20260301L);
        assertEquals(1000, o.trials());
        assertEquals(0, o.unbootable(), () -> String.join("\n", o.failures()));
        assertTrue(o.cutsDuringInstall() > 300, "most cuts should land during the install, got " + o.cutsDuringInstall());
    }
}
