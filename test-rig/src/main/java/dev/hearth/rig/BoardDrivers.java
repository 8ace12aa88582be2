package dev.hearth.rig;

import java.time.Duration;

/**
 * Chooses a board's drivers from its resources: one exhaustive {@code map} per resource kind
 * (a function per record of the sealed interface), so a new kind of resource does not compile
 * until it has a driver.
 */
public final class BoardDrivers {

    /** How long a power cycle leaves a board off. */
    public static final Duration CYCLE_PAUSE = Duration.ofSeconds(2);

    private BoardDrivers() {
    }

    /** Opens a board of the rig: the virtual board, or a real board's console, power switch and boot medium. */
    public static Board open(Rig rig, BoardSpec spec) {
        if (spec.virtual()) {
            return new QemuBoard(spec, rig.hub());
        }
        String virtualOnly = "board '" + spec.name() + "': a qemu resource on a real board";
        PowerSwitch power = spec.power().map(
                qemu -> { throw new IllegalStateException(virtualOnly); },
                gpio -> new GpioRelayPowerSwitch(gpio, CYCLE_PAUSE),
                pdu -> new HttpPduPowerSwitch(pdu, CYCLE_PAUSE));
        BootMedium medium = spec.bootMedium().map(
                qemu -> { throw new IllegalStateException(virtualOnly); },
                SdMuxBootMedium::new);
        Console console = spec.console().map(
                qemu -> { throw new IllegalStateException(virtualOnly); },
                serial -> new SerialConsole(spec.name(), serial.device(), serial.baud()));
        return new HardwareBoard(spec, console, power, medium, rig.hub());
    }
}
