package dev.hearth.ota.userland;

import dev.hearth.ota.BlockDevice;
import dev.hearth.ota.Keyring;
import dev.hearth.ota.Manifest;
import dev.hearth.ota.Refusal;
import dev.hearth.ota.Slot;
import dev.hearth.ota.UpdatePolicy;
import dev.hearth.ota.install.InstallProgress;
import dev.hearth.ota.install.InstallResult;
import dev.hearth.ota.install.Installer;
import dev.hearth.ota.install.UpdateSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Installs an update bundle whose payload is of slot class {@value #SLOT_CLASS} (a tar of OSGi
 * bundle jars) into a {@link UserlandStore}. The {@link Installer} does the work it does for slots:
 * the manifest is verified before anything is written, every block is checked against its signed
 * hash before it counts, a keyring payload is applied. Its pseudo-slot is the store's staging
 * directory ({@link TarBlockDevice} unpacks the verified bytes there, {@link StagingBootloader}
 * stands for its boot selection). Only a complete, forced set becomes {@code <root>/<version>},
 * and only then does {@code current} switch to it. A refusal, a mismatch, a truncated or malformed
 * tar or a write error (a full disk) leaves {@code current} untouched and the staging directory
 * removed.
 */
public final class UserlandInstaller {

    /** The slot class of a userland payload. */
    public static final String SLOT_CLASS = "userland";

    private static final String BOOT_NAME = "USERLAND";
    private static final String NOT_USERLAND = "RUNNING";

    private final Keyring keyring;
    private final UserlandStore store;
    private final Installer.Settings settings;

    public UserlandInstaller(Keyring keyring, UserlandStore store, Installer.Settings settings) {
        this.keyring = Objects.requireNonNull(keyring, "keyring");
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Whether a manifest carries a userland payload (it is then a userland update, not a slot update). */
    public static boolean carriesUserland(Manifest manifest) {
        return manifest.payloads().stream().anyMatch(p -> SLOT_CLASS.equals(p.slotClass()));
    }

    /**
     * Installs the bundle from {@code source}. Errors of the source or the store's directory itself are
     * thrown (with the staging directory removed); everything about the bundle is a result.
     */
    public UserlandInstallResult install(UpdateSource source, UpdatePolicy policy, InstallProgress progress)
            throws IOException {
        Files.createDirectories(store.root());
        Path staging = store.root().resolve(UserlandStore.STAGING);
        long capacity = Files.getFileStore(store.root()).getUsableSpace();
        BlockDevice.Opener opener = device -> {
            if (!device.equals(staging)) {
                throw new IOException("userland install: no device " + device + ", only " + staging);
            }
            return new TarBlockDevice(staging, capacity);
        };
        Installer installer = new Installer(keyring, List.of(new Slot("userland", SLOT_CLASS, staging, BOOT_NAME)),
                new StagingBootloader(store, BOOT_NAME), opener, settings);
        InstallResult result;
        try {
            result = installer.install(source, policy, NOT_USERLAND, progress);
        } catch (IOException | RuntimeException e) {
            discard(e);
            throw e;
        }
        if (result instanceof InstallResult.Refused r) {
            return new UserlandInstallResult.Refused(r.reason(), r.detail());
        }
        if (result instanceof InstallResult.Failed f) {
            store.discardStaging();
            return new UserlandInstallResult.Failed(f.detail());
        }
        InstallResult.Installed ok = (InstallResult.Installed) result;
        String version = ok.manifest().version();
        try {
            UserlandStore.requireVersion(version);
            UserlandStore.requireNew(store.state(), version);
        } catch (IllegalArgumentException | IllegalStateException e) {
            store.discardStaging();
            return new UserlandInstallResult.Refused(Refusal.NO_SLOT, e.getMessage());
        }
        try {
            store.adopt(staging, version);
        } catch (IOException e) {
            store.discardStaging();
            return new UserlandInstallResult.Failed("cannot switch to userland " + version + ": " + e.getMessage());
        }
        return new UserlandInstallResult.Installed(ok.manifest(), version, ok.bytesWritten() + ok.bytesSkipped());
    }

    private void discard(Exception failure) {
        try {
            store.discardStaging();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
