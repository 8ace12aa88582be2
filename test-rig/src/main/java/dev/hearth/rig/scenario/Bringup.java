package dev.hearth.rig.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.hub.DeviceEvent;
import dev.hearth.rig.Board;
import dev.hearth.rig.BoardState;
import dev.hearth.rig.BoardStuckException;
import dev.hearth.rig.BootStrategy;
import dev.hearth.rig.Hub;
import dev.hearth.rig.HubTimeoutException;
import java.time.Duration;

/**
 * The start every scenario shares: the board off, the lab's image written to its boot medium,
 * powered on and brought ONLINE by the boot strategy, the birth certificate that said so.
 */
final class Bringup {

    /** How long a slot being tried may take to be marked good once the device is online. */
    static final Duration HEALTHY_WITHIN = Duration.ofMinutes(5);

    private Bringup() {
    }

    static DeviceEvent flashAndBoot(Lab lab, Board board, BootStrategy strategy, Hub hub, Timeline timeline)
            throws BoardStuckException, HubTimeoutException {
        strategy.transition(BoardState.OFF);
        board.bootMedium().write(lab.flashImage());
        timeline.step("flashed " + lab.flashImage().getFileName());
        int mark = hub.mark();
        strategy.transition(BoardState.ONLINE);
        DeviceEvent birth = hub.awaitBirth(mark, Duration.ofSeconds(1));
        timeline.step("ONLINE: " + describe(birth));
        return birth;
    }

    static String describe(DeviceEvent birth) {
        return "birth certificate: firmware " + birth.payload().string("firmware_version").orElse("?") + ", slot "
                + birth.payload().string("hearth.slot").orElse("?");
    }

    static String slot(DeviceEvent birth) {
        return birth.payload().string("hearth.slot").orElseThrow(() -> new AssertionError("no hearth.slot in " + birth));
    }

    static String version(DeviceEvent birth) {
        return birth.payload().string("firmware_version").orElseThrow(() -> new AssertionError("no firmware_version in " + birth));
    }

    /** The running slot is marked good: its attempts are back at 3 and no health check is pending or failed. */
    static boolean runningSlotGood(JsonNode status) {
        String booted = status.path("bootedSlot").asText();
        String health = status.path("health").asText();
        return status.path("attemptsLeft").path(booted).asInt(-1) == 3 && !health.equals("WAITING") && !health.equals("FAILED");
    }

    /** Waits until the device has marked its running slot good. */
    static JsonNode awaitGoodSlot(Device device, Timeline timeline) {
        JsonNode status = device.awaitUpdateStatus(Bringup::runningSlotGood, HEALTHY_WITHIN, "the running slot marked good");
        timeline.step("slot " + status.path("bootedSlot").asText() + " marked good (health " + status.path("health").asText()
                + ", attempts " + status.path("attemptsLeft") + ")");
        return status;
    }
}
