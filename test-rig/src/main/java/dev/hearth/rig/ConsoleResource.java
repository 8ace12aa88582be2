package dev.hearth.rig;

import java.nio.file.Path;
import java.util.function.Function;

/** How the rig reaches a board's console. A record that does no I/O. */
public sealed interface ConsoleResource {

    /** Exhaustive choice on the kind of console (Java 17 has no pattern switch): exactly one function is applied. */
    <T> T map(Function<Qemu, T> qemu, Function<Serial, T> serial);

    /** The virtual board's serial port, served by its QEMU process. */
    record Qemu() implements ConsoleResource {
        @Override
        public <T> T map(Function<Qemu, T> qemu, Function<Serial, T> serial) {
            return qemu.apply(this);
        }
    }

    /**
     * A tty on the rig's host wired to the board's UART.
     *
     * @param device e.g. {@code /dev/ttyUSB0} or a stable {@code /dev/serial/by-id/...} name
     * @param baud   line speed, e.g. 115200
     */
    record Serial(Path device, int baud) implements ConsoleResource {
        @Override
        public <T> T map(Function<Qemu, T> qemu, Function<Serial, T> serial) {
            return serial.apply(this);
        }

        public Serial {
            if (!device.isAbsolute()) {
                throw new IllegalArgumentException("serial console: 'device' must be an absolute path, was " + device);
            }
            if (baud <= 0) {
                throw new IllegalArgumentException("serial console: 'baud' must be positive, was " + baud);
            }
        }
    }
}
