package dev.hearth.rig;

import java.nio.file.Path;

/**
 * What the board boots from (an SD card behind a mux, the virtual board's disk). Writing needs
 * the board's power off; the board boots the new image at its next power on.
 */
public interface BootMedium {

    /** Writes a whole-disk image (raw, as {@code firmware/} builds it) to the medium. */
    void write(Path image);
}
