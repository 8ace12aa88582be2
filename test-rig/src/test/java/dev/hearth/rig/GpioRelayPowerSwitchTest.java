package dev.hearth.rig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The GPIO relay as far as a machine without GPIO chips allows: the commands it builds, and the
 * real gpioset's refusal reported with the chip and line. Switching a relay needs the hardware.
 */
class GpioRelayPowerSwitchTest {

    @Test
    void anActiveLowRelayIsSwitchedOnByDrivingItsLineActive() {
        PowerResource.Gpio relay = new PowerResource.Gpio("gpiochip0", 17, true);
        assertEquals("gpioset --mode=exit --active-low gpiochip0 17=1", GpioRelayPowerSwitch.setCommand(relay, true).toString());
        assertEquals("gpioset --mode=exit --active-low gpiochip0 17=0", GpioRelayPowerSwitch.setCommand(relay, false).toString());
        assertEquals("gpioset --mode=exit /dev/gpiochip2 4=1",
                GpioRelayPowerSwitch.setCommand(new PowerResource.Gpio("/dev/gpiochip2", 4, false), true).toString());
    }

    @Test
    void aMissingChipIsReportedWithTheChipTheLineAndGpiosetsMessageAndTheStateStaysUnknown() {
        GpioRelayPowerSwitch relay = new GpioRelayPowerSwitch(new PowerResource.Gpio("gpiochip97", 3, false), Duration.ofMillis(10));
        assertEquals(PowerState.UNKNOWN, relay.state(), "nothing set yet: unknown");
        IllegalStateException e = assertThrows(IllegalStateException.class, relay::on);
        assertTrue(e.getMessage().startsWith("GPIO relay gpiochip97 line 3: cannot switch on"), e.getMessage());
        assertTrue(e.getMessage().contains("exited with"), e.getMessage());
        assertEquals(PowerState.UNKNOWN, relay.state(), "a failed switch leaves the state unknown");
    }
}
