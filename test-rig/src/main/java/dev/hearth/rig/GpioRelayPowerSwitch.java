package dev.hearth.rig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A relay on a GPIO line of the rig's host, driven through the Linux GPIO character device with
 * libgpiod 1.x's {@code gpioset} (Debian package {@code gpiod}). {@code gpioset} sets the line and
 * exits; the line keeps its value on the usual SoC GPIO controllers (a Raspberry Pi's among them).
 *
 * <p>The state is what this switch last set, UNKNOWN before: reading the line back with
 * {@code gpioget} would request it as an input and release the relay. libgpiod 2.x's
 * {@code gpioset} keeps running to hold the line and is refused at construction.
 */
public final class GpioRelayPowerSwitch implements PowerSwitch {

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(10);

    private final PowerResource.Gpio gpio;
    private final Duration cyclePause;
    private volatile PowerState state = PowerState.UNKNOWN;

    public GpioRelayPowerSwitch(PowerResource.Gpio gpio, Duration cyclePause) {
        this.gpio = gpio;
        this.cyclePause = cyclePause;
        String version = HostCommand.of("gpioset", "--version").run(where() + "checking gpioset", TOOL_TIMEOUT);
        if (!version.matches("(?s).*v1\\.\\d.*")) {
            throw new IllegalStateException(where() + "needs libgpiod 1.x's gpioset, found: " + version.strip());
        }
    }

    /** The command that drives the line so that the relay is on ({@code true}) or off. */
    public static HostCommand setCommand(PowerResource.Gpio gpio, boolean on) {
        List<String> argv = new ArrayList<>(List.of("gpioset", "--mode=exit"));
        if (gpio.activeLow()) {
            argv.add("--active-low");
        }
        argv.add(gpio.chip());
        argv.add(gpio.line() + "=" + (on ? 1 : 0));
        return new HostCommand(argv);
    }

    @Override
    public void on() {
        set(true);
    }

    @Override
    public void off() {
        set(false);
    }

    @Override
    public void cycle() {
        off();
        LockSupport.parkNanos(cyclePause.toNanos()); // the board's supply must drain: a pause the hardware needs
        on();
    }

    @Override
    public PowerState state() {
        return state;
    }

    private void set(boolean on) {
        state = PowerState.UNKNOWN;
        setCommand(gpio, on).run(where() + "cannot switch " + (on ? "on" : "off"), TOOL_TIMEOUT);
        state = on ? PowerState.ON : PowerState.OFF;
    }

    private String where() {
        return "GPIO relay " + gpio.chip() + " line " + gpio.line() + ": ";
    }
}
