package dev.hearth.ota.boot;

import java.util.Optional;

/**
 * What the board's U-Boot script does on every boot, as a model: take the first slot in the boot
 * order with attempts left, take one attempt from it and save the environment, boot it. When no
 * slot in the order has attempts left, every slot in the order gets full attempts again (RAUC's
 * "no valid slot found, resetting tries") and the first one boots. An empty order cannot boot.
 */
public final class BootScript {

    /** The slot booted (empty: nothing bootable) and the selection the script saved. */
    public record Choice(Optional<String> bootName, BootSelection saved) {
    }

    private BootScript() {
    }

    public static Choice boot(BootSelection selection) {
        for (String name : selection.order()) {
            int left = selection.attemptsLeft(name);
            if (left > 0) {
                return new Choice(Optional.of(name), selection.withAttempts(name, left - 1));
            }
        }
        if (selection.order().isEmpty()) {
            return new Choice(Optional.empty(), selection);
        }
        BootSelection reset = selection;
        for (String name : selection.order()) {
            reset = reset.withAttempts(name, BootSelection.ATTEMPTS);
        }
        String first = selection.order().get(0);
        return new Choice(Optional.of(first), reset.withAttempts(first, BootSelection.ATTEMPTS - 1));
    }

    /** Runs one boot against a bootloader's stored state: reads it, saves the decremented state. */
    public static Optional<String> boot(UBootBootloader bootloader) throws java.io.IOException {
        Choice c = boot(bootloader.selection());
        bootloader.save(c.saved());
        return c.bootName();
    }
}
