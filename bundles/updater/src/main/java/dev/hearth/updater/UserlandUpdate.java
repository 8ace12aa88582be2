package dev.hearth.updater;

import dev.hearth.ota.Keyring;
import dev.hearth.ota.UpdatePolicy;
import dev.hearth.ota.install.InstallProgress;
import dev.hearth.ota.install.Installer;
import dev.hearth.ota.install.UpdateSource;
import dev.hearth.ota.userland.UserlandInstallResult;
import dev.hearth.ota.userland.UserlandInstaller;
import dev.hearth.ota.userland.UserlandState;
import dev.hearth.ota.userland.UserlandStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The updater's side of userland-only updates: installs update bundles whose payload is of class
 * {@code userland} into the {@link UserlandStore}, tells whether the running set is being tried (the
 * store's {@code current} is the pending update and not confirmed), confirms it or rolls it back, and
 * finds at start a pending set that is no longer current (the launcher rolled it back).
 */
final class UserlandUpdate {

    private final UserlandStore store;

    UserlandUpdate(UserlandStore store) {
        this.store = store;
    }

    UserlandStore store() {
        return store;
    }

    UserlandInstallResult install(Path keyringFile, UpdateSource source, UpdatePolicy policy, InstallProgress progress)
            throws IOException {
        return new UserlandInstaller(Keyring.fromPem(keyringFile), store,
                new Installer.Settings(1 << 20, Optional.of(keyringFile))).install(source, policy, progress);
    }

    /** The pending userland update is current and not confirmed: its health decides. */
    boolean beingTried(Optional<UpdateRecord.Pending> pending) throws IOException {
        if (pending.isEmpty() || !pending.get().userland()) {
            return false;
        }
        UserlandState s = store.state();
        return s.current().equals(Optional.of(pending.get().version())) && s.currentUnconfirmed();
    }

    /** The pending userland update is current and confirmed already (the record was not written after). */
    boolean confirmedAlready(Optional<UpdateRecord.Pending> pending) throws IOException {
        if (pending.isEmpty() || !pending.get().userland()) {
            return false;
        }
        UserlandState s = store.state();
        return s.current().equals(Optional.of(pending.get().version())) && !s.currentUnconfirmed();
    }

    /** The pending userland update is no longer current: the launcher rolled it back (it did not start, or a start was never confirmed). */
    boolean rolledBack(Optional<UpdateRecord.Pending> pending) throws IOException {
        return pending.isPresent() && pending.get().userland()
                && !store.state().current().equals(Optional.of(pending.get().version()));
    }

    /** The set running now, in words. */
    String running() throws IOException {
        return store.state().current().map(v -> "userland " + v).orElse("the distribution's bundles");
    }

    void confirm() throws IOException {
        store.confirm();
    }

    /** Rolls the current set back; returns what is current now, in words. */
    String rollback() throws IOException {
        UserlandState after = store.rollback();
        return after.current().map(v -> "userland " + v).orElse("the distribution's bundles");
    }
}
