package dev.hearth.rig;

/**
 * The board's power supply: a relay, a PDU outlet, or the virtual board's QEMU process.
 * Every call returns once the switch has done it; failures of the switch itself are exceptions.
 */
public interface PowerSwitch {

    /** Supplies power. On when already on: nothing happens. */
    void on();

    /** Removes power, like pulling the plug: what the board had not written to its storage is gone. */
    void off();

    /** Off, a pause long enough for the board to lose power, on. */
    void cycle();

    PowerState state();

    /**
     * The most abrupt loss of power this switch can make. On hardware that is {@link #off()}; the
     * virtual board overrides it to also lose what QEMU itself had not written (see {@code QemuBoard}).
     */
    default void cut() {
        off();
    }
}
