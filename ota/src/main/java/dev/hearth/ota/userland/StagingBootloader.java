package dev.hearth.ota.userland;

import dev.hearth.ota.boot.BootSelection;
import dev.hearth.ota.boot.Bootloader;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The boot selection of the one pseudo-slot a userland install writes (the store's staging
 * directory), so that the {@link dev.hearth.ota.install.Installer} drives it as it drives a slot:
 * marked bad before its first byte (an empty staging directory, any earlier one removed), marked
 * active when every payload is verified and forced (staged complete). The store's {@code current}
 * changes only after that, in {@link UserlandInstaller}. Nothing here touches the real boot loader.
 */
final class StagingBootloader implements Bootloader {

    private final UserlandStore store;
    private final String bootName;
    private boolean staged;

    StagingBootloader(UserlandStore store, String bootName) {
        this.store = store;
        this.bootName = bootName;
    }

    /** The pseudo-slot is in the order only once it is staged complete. */
    @Override
    public synchronized BootSelection selection() {
        return staged ? BootSelection.initial(bootName) : new BootSelection(List.of(), Map.of(bootName, 0));
    }

    /** Nothing to do: the set is confirmed in the store, after the installer is done. */
    @Override
    public void markGood(String name) {
        require(name);
    }

    @Override
    public synchronized void markBad(String name) throws IOException {
        require(name);
        staged = false;
        store.prepareStaging();
    }

    @Override
    public synchronized void markActive(String name) {
        require(name);
        staged = true;
    }

    synchronized boolean staged() {
        return staged;
    }

    private void require(String name) {
        if (!bootName.equals(name)) {
            throw new IllegalArgumentException("userland staging: unknown boot name '" + name + "', only " + bootName);
        }
    }
}
