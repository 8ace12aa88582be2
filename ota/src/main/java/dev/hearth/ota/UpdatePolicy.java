package dev.hearth.ota;

import java.util.Objects;
import java.util.Optional;

/**
 * What this device accepts: bundles for its board, with an anti-rollback counter not below the
 * installed one unless {@code force} is set.
 */
public record UpdatePolicy(String board, long installedCounter, boolean force) {

    public UpdatePolicy {
        Objects.requireNonNull(board, "policy board");
        if (board.isBlank()) {
            throw new IllegalArgumentException("policy board must not be blank");
        }
    }

    public static UpdatePolicy of(String board, long installedCounter) {
        return new UpdatePolicy(board, installedCounter, false);
    }

    /** Empty when {@code manifest} is acceptable, otherwise the refusal. */
    public Optional<Verification.Refused> check(Manifest manifest) {
        if (!board.equals(manifest.compatible())) {
            return Optional.of(new Verification.Refused(Refusal.WRONG_BOARD,
                    "bundle is for board '" + manifest.compatible() + "', this is '" + board + "'"));
        }
        if (manifest.counter() < installedCounter && !force) {
            return Optional.of(new Verification.Refused(Refusal.DOWNGRADE, "bundle counter " + manifest.counter()
                    + " is below the installed counter " + installedCounter + " (not forced)"));
        }
        return Optional.empty();
    }
}
