package dev.hearth.rig.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.hub.DeviceEvent;
import dev.hearth.rig.Board;
import dev.hearth.rig.BootStrategy;
import dev.hearth.rig.Hub;
import dev.hearth.rig.RigExtension;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 4: bad updates roll back by themselves: one that boots but fails its health check, one
 * that does not boot at all. Either way the board comes back on A with its firmware and data, and
 * the device reports the rollback.
 */
@DisplayName("4. Bad updates roll back")
public class RollbackScenario {

    static final Lab LAB = Lab.shared();
    @RegisterExtension
    static final RigExtension RIG = LAB.rigExtension();
    @RegisterExtension
    final Timeline timeline = new Timeline();

    @Test
    void anUpdateThatFailsItsHealthCheckFallsBackToA(Board board, BootStrategy strategy, Hub hub) throws Exception {
        Device device = ready(board, strategy, hub);
        PersonalData data = PersonalData.write(device, timeline, 2);
        int mark = hub.mark();
        device.install(LAB.unhealthyFirmware(), false);
        timeline.step("OTA-V1 EXEC install of a firmware that never gets healthy");
        DeviceEvent tried = hub.awaitEvent("BIRTH", mark, e -> "B".equals(e.payload().string("hearth.slot").orElse("")),
                UpdateScenario.UPDATE_WITHIN);
        timeline.step("B boots: " + Bringup.describe(tried));
        DeviceEvent back = hub.awaitEvent("BIRTH", hub.mark(), e -> "A".equals(e.payload().string("hearth.slot").orElse("")),
                Duration.ofMinutes(10));
        timeline.step("back on A: " + Bringup.describe(back));
        checkRolledBack(device, hub, mark, back);
        data.check(device, timeline);
    }

    @Test
    void anUpdateThatDoesNotBootFallsBackToA(Board board, BootStrategy strategy, Hub hub) throws Exception {
        Device device = ready(board, strategy, hub);
        PersonalData data = PersonalData.write(device, timeline, 2);
        int mark = hub.mark();
        device.install(LAB.unbootableFirmware(), false);
        timeline.step("OTA-V1 EXEC install of a firmware without /sbin/init");
        board.console().expect("Hearth: booting slot B", UpdateScenario.UPDATE_WITHIN);
        timeline.step("U-Boot tries B");
        board.console().expect("Hearth: booting slot A", Duration.ofMinutes(10));
        timeline.step("U-Boot falls back to A after B's attempts ran out");
        DeviceEvent back = hub.awaitEvent("BIRTH", mark, e -> true, Duration.ofMinutes(10));
        timeline.step("back on A: " + Bringup.describe(back));
        checkRolledBack(device, hub, mark, back);
        data.check(device, timeline);
    }

    private Device ready(Board board, BootStrategy strategy, Hub hub) throws Exception {
        Bringup.flashAndBoot(LAB, board, strategy, hub, timeline);
        Device device = new Device(hub, LAB.gateway());
        Bringup.awaitGoodSlot(device, timeline);
        return device;
    }

    private void checkRolledBack(Device device, Hub hub, int mark, DeviceEvent back) throws Exception {
        assertEquals("A", Bringup.slot(back));
        assertEquals(LAB.firmwareVersion(), Bringup.version(back), "the old firmware runs again");
        JsonNode status = Bringup.awaitGoodSlot(device, timeline);
        assertEquals("A", status.path("bootedSlot").asText());
        String result = status.path("lastResult").asText();
        timeline.step("the device reports: " + result);
        assertTrue(result.contains("rolled back"), "the device reports the rollback: " + status);
        assertFalse(status.path("bootOrder").path(0).asText().equals("B"), "B is not tried again: " + status);
        assertEquals(LAB.firmwareCounter(), status.path("installedCounter").asLong(), "the bad update's counter is not committed");
        DeviceEvent reported = hub.awaitEvent("updater/ROLLED_BACK", mark, e -> true, Duration.ofMinutes(2));
        timeline.step("the hub got the rollback event: " + reported.payload().metrics());
        assertEquals("B", reported.payload().string("slot").orElse("?"), "the event names the slot that was given up");
    }
}
