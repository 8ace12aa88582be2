package dev.hearth.rig;

import java.util.Optional;

/**
 * One board on the rig, as tests see it: its protocols, never its drivers. The same test runs on
 * the virtual board and on hardware. Closing releases the console, the hub and (for the virtual
 * board) the machine; it does not switch hardware off.
 */
public interface Board extends AutoCloseable {

    BoardSpec spec();

    default String name() {
        return spec().name();
    }

    Console console();

    PowerSwitch power();

    BootMedium bootMedium();

    /** A reset line, where the board has one the rig can drive. */
    Optional<Reset> resetLine();

    /** The hub following this board's device; connected to the rig's broker on first use. */
    Hub hub();

    /** What the hub sent and received; empty when the hub was never used. */
    Optional<HubTraffic> hubTraffic();

    @Override
    void close();
}
