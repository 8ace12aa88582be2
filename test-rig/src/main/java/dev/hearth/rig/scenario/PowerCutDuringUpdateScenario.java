package dev.hearth.rig.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.hub.DeviceEvent;
import dev.hearth.rig.Board;
import dev.hearth.rig.BootStrategy;
import dev.hearth.rig.ConsoleTimeoutException;
import dev.hearth.rig.Hub;
import dev.hearth.rig.RigExtension;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 5: the power is cut while an update is under way, at randomized points: while the
 * bundle is downloaded and written, and at a boot step of the first boot of the new slot. Every
 * time the board must come back ONLINE on a slot marked good, running the firmware that slot
 * holds, with its personal data intact. {@code -Dhearth.rig.cuts=N} (default 10) cuts per run,
 * {@code -Dhearth.rig.seed=S} repeats a run's choices.
 */
@DisplayName("5. Power cuts during an update")
public class PowerCutDuringUpdateScenario {

    static final Lab LAB = Lab.shared();
    @RegisterExtension
    static final RigExtension RIG = LAB.rigExtension();
    @RegisterExtension
    final Timeline timeline = new Timeline();

    /** Console lines of a boot, in order: a cut lands a random moment after one of them. */
    static final List<String> BOOT_STEPS = List.of("Hearth: booting slot", "Starting kernel", "initramfs: root",
            "hearth-init: starting the userland", "Userland running");

    @Test
    void everyPowerCutDuringAnUpdateLeavesABoardThatComesBackOnAGoodSlotWithItsData(Board board, BootStrategy strategy,
                                                                                     Hub hub) throws Exception {
        int cuts = Integer.getInteger("hearth.rig.cuts", 10);
        long seed = Long.getLong("hearth.rig.seed", System.nanoTime());
        Random random = new Random(seed);
        timeline.step(cuts + " power cuts, seed " + seed + " (-Dhearth.rig.seed=" + seed + " repeats the choices)");

        Bringup.flashAndBoot(LAB, board, strategy, hub, timeline);
        Device device = new Device(hub, LAB.gateway());
        JsonNode status = Bringup.awaitGoodSlot(device, timeline);
        PersonalData data = PersonalData.write(device, timeline, 2);
        Map<String, String> firmwareIn = new HashMap<>(Map.of("A", LAB.firmwareVersion()));
        URI bundle = LAB.nextFirmware();

        for (int cut = 1; cut <= cuts; cut++) {
            String running = status.path("bootedSlot").asText();
            String target = running.equals("A") ? "B" : "A";
            int mark = hub.mark();
            board.console().read(Duration.ofMillis(1)); // what the console said before this install is not a boot step of it
            device.install(bundle, false);
            if (random.nextInt(3) < 2) {
                double at = random.nextDouble() * 0.95;
                JsonNode progress = device.awaitUpdateStatus(s -> fraction(s) >= at || s.path("state").asText().equals("INSTALLED")
                                || s.path("bootedSlot").asText().equals(target),
                        UpdateScenario.UPDATE_WITHIN, "install progress to " + Math.round(at * 100) + " %");
                board.power().cut();
                timeline.step(String.format(java.util.Locale.ROOT, "cut %d: power cut while installing into %s at %.0f %% (%s)",
                        cut, target, fraction(progress) * 100, progress.path("state").asText()));
            } else {
                String step = BOOT_STEPS.get(random.nextInt(BOOT_STEPS.size()));
                long after = random.nextInt(3_000);
                try {
                    board.console().expect("Hearth: booting slot " + target, UpdateScenario.UPDATE_WITHIN);
                    if (!step.equals("Hearth: booting slot")) {
                        board.console().expect(step, Duration.ofMinutes(5));
                    }
                } catch (ConsoleTimeoutException e) {
                    throw new AssertionError("cut " + cut + ": the first boot of " + target + " did not reach '" + step + "'", e);
                }
                Device.pause(Duration.ofMillis(after));
                board.power().cut();
                timeline.step("cut " + cut + ": power cut in the first boot of " + target + ", " + after + " ms after '" + step + "'");
            }
            int back = hub.mark();
            board.power().on();
            DeviceEvent birth = hub.awaitEvent("BIRTH", back, e -> true, Duration.ofMinutes(10));
            status = Bringup.awaitGoodSlot(device, timeline);
            String slot = status.path("bootedSlot").asText();
            assertEquals(slot, Bringup.slot(birth), "the birth certificate names the running slot");
            if (slot.equals(target)) {
                firmwareIn.put(target, LAB.nextVersion());
            }
            assertEquals(firmwareIn.get(slot), Bringup.version(birth), "cut " + cut + ": slot " + slot
                    + " runs the firmware it holds: " + status);
            assertTrue(mark < back, "marks move forward");
            data.check(device, timeline);
            timeline.step("cut " + cut + ": ONLINE on " + slot + " (" + Bringup.version(birth) + "), marked good, data intact");
        }
    }

    private static double fraction(JsonNode status) {
        long total = status.path("bytesTotal").asLong(0);
        return total == 0 ? 0 : (double) status.path("bytesDone").asLong(0) / total;
    }
}
