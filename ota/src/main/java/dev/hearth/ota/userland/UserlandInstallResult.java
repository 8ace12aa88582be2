package dev.hearth.ota.userland;

import dev.hearth.ota.Manifest;
import dev.hearth.ota.Refusal;

/** The outcome of a userland install: switched to the new set, refused before writing, or failed while writing. */
public sealed interface UserlandInstallResult {

    /** The set is complete and forced in {@code <root>/<version>}, and {@code current} names it (unconfirmed). */
    record Installed(Manifest manifest, String version, long bytes) implements UserlandInstallResult {
        @Override
        public String toString() {
            return "installed userland " + version + " (" + bytes + " payload bytes); it starts at the next userland restart";
        }
    }

    /** Refused before anything was written, or before the set was switched to; {@code current} is untouched. */
    record Refused(Refusal reason, String detail) implements UserlandInstallResult {
        @Override
        public String toString() {
            return "refused, " + reason + ": " + detail;
        }
    }

    /** Stopped while unpacking or switching: the staged set is discarded, {@code current} is untouched. */
    record Failed(String detail) implements UserlandInstallResult {
        @Override
        public String toString() {
            return "failed, current userland untouched: " + detail;
        }
    }
}
