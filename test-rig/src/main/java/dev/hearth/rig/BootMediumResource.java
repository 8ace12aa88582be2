package dev.hearth.rig;

import java.nio.file.Path;
import java.util.function.Function;

/** What a board boots from and how the rig writes it. A record that does no I/O. */
public sealed interface BootMediumResource {

    /** Exhaustive choice on the kind of medium (Java 17 has no pattern switch): exactly one function is applied. */
    <T> T map(Function<Qemu, T> qemu, Function<SdMux, T> sdMux);

    /** The virtual board's disk: a copy-on-write overlay over an image on the host. */
    record Qemu() implements BootMediumResource {
        @Override
        public <T> T map(Function<Qemu, T> qemu, Function<SdMux, T> sdMux) {
            return qemu.apply(this);
        }
    }

    /**
     * An SD card behind a USB-SD-Mux: switched to the host, written, switched back to the board.
     *
     * @param control     the mux's control device, {@code /dev/sgN} (a stable {@code /dev/disk/by-path} name is better)
     * @param blockDevice the card as a block device while switched to the host
     */
    record SdMux(Path control, Path blockDevice) implements BootMediumResource {
        @Override
        public <T> T map(Function<Qemu, T> qemu, Function<SdMux, T> sdMux) {
            return sdMux.apply(this);
        }

        public SdMux {
            if (!control.isAbsolute() || !blockDevice.isAbsolute()) {
                throw new IllegalArgumentException("sd-mux: 'control' and 'blockDevice' must be absolute paths, were "
                        + control + " and " + blockDevice);
            }
        }
    }
}
