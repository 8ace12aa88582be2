package dev.hearth.ota;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One slot of a board: a name ({@code rootfs.0}), its class ({@code rootfs}, {@code boot}), the block
 * device (or a file standing for one) holding it, and the boot name it belongs to ({@code A} or
 * {@code B}) in the boot selection. Does no I/O.
 */
public record Slot(String name, String slotClass, Path device, String bootName) {

    public Slot {
        Objects.requireNonNull(name, "slot name");
        Objects.requireNonNull(slotClass, "slot class");
        Objects.requireNonNull(device, "slot device");
        Objects.requireNonNull(bootName, "slot boot name");
        if (!bootName.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("slot '" + name + "': boot name '" + bootName
                    + "' must be upper-case letters, digits or _ (it names U-Boot variables)");
        }
    }
}
