package dev.hearth.updater;

import java.util.List;
import java.util.Map;

/**
 * What GET {@code status} answers (as JSON).
 *
 * @param state            the updater's state
 * @param bootedSlot       the boot name running now
 * @param firmwareVersion  the running firmware's version
 * @param bootOrder        the boot selection's order, first tried first
 * @param attemptsLeft     attempts left per boot name
 * @param installedCounter the anti-rollback counter bundles must not go below
 * @param pendingSlot      the slot holding an update not yet marked good; empty when none
 * @param pendingVersion   its version; empty when none
 * @param bytesDone        payload bytes of the running (or last) install verified so far
 * @param bytesTotal       payload bytes of that install
 * @param health           the health check's state
 * @param lastResult       the last install, health check or rollback, in words
 * @param pendingKind      {@code SLOT} or {@code USERLAND} for a pending update; empty when none
 * @param userland         the userland set running (the store's current version); empty: the distribution's
 */
public record UpdaterStatus(UpdaterState state, String bootedSlot, String firmwareVersion, List<String> bootOrder,
                            Map<String, Integer> attemptsLeft, long installedCounter, String pendingSlot,
                            String pendingVersion, long bytesDone, long bytesTotal, HealthCheckState health,
                            String lastResult, String pendingKind, String userland) {
}
