package dev.hearth.updater;

import java.util.Objects;
import java.util.Optional;

/**
 * What the updater keeps across reboots on the data partition: the installed anti-rollback counter,
 * the update waiting to prove itself (if any), and the last result for people.
 *
 * @param installedCounter the counter of the newest update that was marked good; bundles below it
 *                         are refused unless forced
 * @param pending          an update written to a slot and not yet marked good
 * @param lastResult       the last install, health check or rollback, in words; empty at first
 */
public record UpdateRecord(long installedCounter, Optional<Pending> pending, String lastResult) {

    /**
     * An update installed into {@code bootName} during the boot {@code bootId}, with its version and
     * counter. A {@link Kind#USERLAND} update is a set of bundles in the userland store, switched to
     * while the running slot ({@code bootName}) stays.
     */
    public record Pending(String bootName, String version, long counter, String bootId, Kind kind) {
        public Pending {
            Objects.requireNonNull(bootName, "bootName");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(bootId, "bootId");
            Objects.requireNonNull(kind, "kind");
        }

        /** A slot update. */
        public Pending(String bootName, String version, long counter, String bootId) {
            this(bootName, version, counter, bootId, Kind.SLOT);
        }

        public boolean userland() {
            return kind == Kind.USERLAND;
        }
    }

    /** What a pending update replaced: a slot (the next boot tries it) or the userland set (the next userland start). */
    public enum Kind { SLOT, USERLAND }

    public UpdateRecord {
        Objects.requireNonNull(pending, "pending");
        Objects.requireNonNull(lastResult, "lastResult");
        if (installedCounter < 0) {
            throw new IllegalArgumentException("update record: negative installed counter " + installedCounter);
        }
    }

    public static final UpdateRecord EMPTY = new UpdateRecord(0, Optional.empty(), "");

    public UpdateRecord withPending(Pending p, String result) {
        return new UpdateRecord(installedCounter, Optional.of(p), result);
    }

    public UpdateRecord withoutPending(String result) {
        return new UpdateRecord(installedCounter, Optional.empty(), result);
    }

    public UpdateRecord withResult(String result) {
        return new UpdateRecord(installedCounter, pending, result);
    }

    /** The installed counter raised to at least {@code floor} (the running firmware's, once it proved itself). */
    public UpdateRecord withCounterAtLeast(long floor) {
        return floor <= installedCounter ? this : new UpdateRecord(floor, pending, lastResult);
    }

    /** The pending update proved itself: its counter becomes the installed one. */
    public UpdateRecord committed(String result) {
        long counter = pending.map(p -> Math.max(p.counter(), installedCounter)).orElse(installedCounter);
        return new UpdateRecord(counter, Optional.empty(), result);
    }
}
