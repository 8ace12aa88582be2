package dev.hearth.rig.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.hub.DeviceEvent;
import dev.hearth.rig.Board;
import dev.hearth.rig.BootStrategy;
import dev.hearth.rig.Hub;
import dev.hearth.rig.RigExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Scenario 1: flash, power on, reach ONLINE; the birth certificate names the firmware and slot A. */
@DisplayName("1. Flash, power on, ONLINE")
public class FlashScenario {

    static final Lab LAB = Lab.shared();
    @RegisterExtension
    static final RigExtension RIG = LAB.rigExtension();
    @RegisterExtension
    final Timeline timeline = new Timeline();

    @Test
    void aFlashedBoardComesOnlineOnSlotAWithItsFirmwareVersion(Board board, BootStrategy strategy, Hub hub) throws Exception {
        DeviceEvent birth = Bringup.flashAndBoot(LAB, board, strategy, hub, timeline);
        assertEquals(LAB.firmwareVersion(), Bringup.version(birth), "the birth certificate's firmware version");
        assertEquals("A", Bringup.slot(birth), "a freshly flashed board runs slot A");

        JsonNode status = Bringup.awaitGoodSlot(new Device(hub, LAB.gateway()), timeline);
        assertEquals("A", status.path("bootedSlot").asText());
        assertEquals(LAB.firmwareVersion(), status.path("firmwareVersion").asText());
        assertEquals(LAB.firmwareCounter(), status.path("installedCounter").asLong(),
                "the anti-rollback floor is the flashed firmware's counter");
    }
}
