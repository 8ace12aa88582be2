package dev.hearth.rig.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.hub.DeviceEvent;
import dev.hearth.rig.Board;
import dev.hearth.rig.BootStrategy;
import dev.hearth.rig.Hub;
import dev.hearth.rig.RigExtension;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 3: an update from A to B over MQTT: the device installs it, reboots, checks its health
 * and marks B good; the birth certificate says B and the new version; personal data on the data
 * partition is untouched.
 */
@DisplayName("3. OTA update A -> B")
public class UpdateScenario {

    static final Lab LAB = Lab.shared();
    @RegisterExtension
    static final RigExtension RIG = LAB.rigExtension();
    @RegisterExtension
    final Timeline timeline = new Timeline();

    /** Download, verify and write a whole root slot on an emulated board, then reboot. */
    static final Duration UPDATE_WITHIN = Duration.ofMinutes(25);

    @Test
    void anUpdateInstalledOverMqttBootsSlotBIsMarkedGoodAndKeepsPersonalData(Board board, BootStrategy strategy, Hub hub)
            throws Exception {
        Bringup.flashAndBoot(LAB, board, strategy, hub, timeline);
        Device device = new Device(hub, LAB.gateway());
        Bringup.awaitGoodSlot(device, timeline);
        PersonalData data = PersonalData.write(device, timeline, 3);

        URI bundle = LAB.nextFirmware();
        timeline.step("update bundle ready: " + bundle);
        int mark = hub.mark();
        device.install(bundle, false);
        timeline.step("OTA-V1 EXEC install sent");
        DeviceEvent birth = hub.awaitEvent("BIRTH", mark, e -> "B".equals(e.payload().string("hearth.slot").orElse("")),
                UPDATE_WITHIN);
        timeline.step("ONLINE after the update: " + Bringup.describe(birth));
        assertEquals(LAB.nextVersion(), Bringup.version(birth), "the birth certificate names the new version");

        JsonNode status = Bringup.awaitGoodSlot(device, timeline);
        assertEquals("B", status.path("bootedSlot").asText());
        assertEquals(LAB.firmwareCounter() + 1, status.path("installedCounter").asLong(), "the new counter is committed");
        assertTrue(status.path("pendingSlot").asText().isEmpty(), "nothing left pending: " + status);
        assertEquals("B", status.path("bootOrder").path(0).asText(), "B boots first from now on: " + status);
        data.check(device, timeline);
    }
}
