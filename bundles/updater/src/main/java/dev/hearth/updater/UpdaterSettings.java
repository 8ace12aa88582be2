package dev.hearth.updater;

import dev.hearth.ota.Slot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The updater's settings, checked once at activation. Defaults live in {@link UpdaterComponent.Config}.
 *
 * @param board              the board name update bundles must be compatible with
 * @param slots              every slot of the board, with its class, device and boot name
 * @param keyringFile        PEM CA certificates that signers must chain to; a keyring payload replaces it
 * @param environmentFiles   the U-Boot environment: one file, or two redundant copies
 * @param environmentSize    bytes of each environment copy
 * @param recordFile         the {@link UpdateRecord} on the data partition
 * @param bootedSlot         the boot name of the running slot ({@code A}, {@code B})
 * @param firmwareVersion    the running firmware's version
 * @param firmwareCounter    the running firmware's anti-rollback counter (a floor for the recorded one)
 * @param bootIdFile         a file whose content changes with every kernel boot
 * @param rebootAfterInstall reboot through the {@code RebootAction} once an install is done, or only report it
 * @param health             the health check after a boot into a slot being tried
 * @param userland           the userland store the launcher starts from ({@code --userland}); empty: userland
 *                           payloads are refused (no slot of their class)
 */
public record UpdaterSettings(String board, List<Slot> slots, Path keyringFile, List<Path> environmentFiles,
                              int environmentSize, Path recordFile, String bootedSlot, String firmwareVersion,
                              long firmwareCounter, Path bootIdFile, boolean rebootAfterInstall, HealthSettings health,
                              Optional<Path> userland) {

    /** Settings without a userland store. */
    public UpdaterSettings(String board, List<Slot> slots, Path keyringFile, List<Path> environmentFiles,
                           int environmentSize, Path recordFile, String bootedSlot, String firmwareVersion,
                           long firmwareCounter, Path bootIdFile, boolean rebootAfterInstall, HealthSettings health) {
        this(board, slots, keyringFile, environmentFiles, environmentSize, recordFile, bootedSlot, firmwareVersion,
                firmwareCounter, bootIdFile, rebootAfterInstall, health, Optional.empty());
    }

    /**
     * @param enabled          whether the check runs at all
     * @param deadline         how long the userland has to become healthy after activation
     * @param pollInterval     how often the conditions are checked
     * @param requiredFilters  LDAP filters of OSGi services that must be registered (the userland, the agent)
     * @param requiredServices supervisor services that must be registered and not failed or unavailable
     */
    public record HealthSettings(boolean enabled, Duration deadline, Duration pollInterval, List<String> requiredFilters,
                                 List<String> requiredServices) {
        public HealthSettings {
            Objects.requireNonNull(deadline, "deadline");
            Objects.requireNonNull(pollInterval, "pollInterval");
            requiredFilters = List.copyOf(requiredFilters);
            requiredServices = List.copyOf(requiredServices);
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("updater: health deadline must be positive, not " + deadline);
            }
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("updater: health poll interval must be positive, not " + pollInterval);
            }
        }
    }

    public UpdaterSettings {
        Objects.requireNonNull(board, "board");
        Objects.requireNonNull(keyringFile, "keyringFile");
        Objects.requireNonNull(recordFile, "recordFile");
        Objects.requireNonNull(bootedSlot, "bootedSlot");
        Objects.requireNonNull(firmwareVersion, "firmwareVersion");
        Objects.requireNonNull(bootIdFile, "bootIdFile");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(userland, "userland");
        slots = List.copyOf(slots);
        environmentFiles = List.copyOf(environmentFiles);
        if (board.isBlank()) {
            throw new IllegalArgumentException("updater: board must be set");
        }
        if (slots.isEmpty()) {
            throw new IllegalArgumentException("updater: no slots described");
        }
        if (environmentFiles.size() != 1 && environmentFiles.size() != 2) {
            throw new IllegalArgumentException("updater: the U-Boot environment is one file or two, not "
                    + environmentFiles.size());
        }
        if (!bootNames(slots).contains(bootedSlot)) {
            throw new IllegalArgumentException("updater: the booted slot '" + bootedSlot + "' is none of the slots' boot names "
                    + bootNames(slots) + " (is the framework property hearth.slot set?)");
        }
        if (firmwareCounter < 0) {
            throw new IllegalArgumentException("updater: negative firmware counter " + firmwareCounter);
        }
    }

    /** The boot names of the slots, in the order they first appear. */
    public List<String> bootNames() {
        return bootNames(slots);
    }

    private static List<String> bootNames(List<Slot> slots) {
        return List.copyOf(new LinkedHashSet<>(slots.stream().map(Slot::bootName).toList()));
    }

    /**
     * Parses slot descriptions {@code name:class:device:bootName}, such as
     * {@code rootfs.0:rootfs:/dev/vda2:A}.
     */
    public static List<Slot> parseSlots(List<String> descriptions) {
        List<Slot> slots = new ArrayList<>();
        for (String d : descriptions) {
            String[] f = d.trim().split(":");
            if (f.length != 4 || f[0].isBlank() || f[1].isBlank() || f[2].isBlank()) {
                throw new IllegalArgumentException("updater: slot '" + d + "' is not name:class:device:bootName");
            }
            slots.add(new Slot(f[0], f[1], Path.of(f[2]), f[3]));
        }
        return slots;
    }
}
