package dev.hearth.ota.install;

import dev.hearth.ota.Manifest;
import dev.hearth.ota.Refusal;

/** The outcome of an install: installed and switched, refused before writing, or failed while writing. */
public sealed interface InstallResult {

    /**
     * Every payload is in the target slots and flushed; the boot selection tries {@code bootName}
     * next. {@code bytesWritten + bytesSkipped} is the payload total: skipped blocks already held the
     * right content.
     */
    record Installed(Manifest manifest, String bootName, long bytesWritten, long bytesSkipped) implements InstallResult {
        public double writtenFraction() {
            long total = bytesWritten + bytesSkipped;
            return total == 0 ? 0 : (double) bytesWritten / total;
        }
    }

    /** Refused before anything was written; the boot selection is unchanged. */
    record Refused(Refusal reason, String detail) implements InstallResult {
        @Override
        public String toString() {
            return "refused, " + reason + ": " + detail;
        }
    }

    /**
     * Stopped while writing: {@code bootName}'s slots hold a partial image and are marked bad; the
     * running slot was not touched and stays first in the boot order.
     */
    record Failed(String bootName, String detail) implements InstallResult {
        @Override
        public String toString() {
            return "failed, slot " + bootName + " marked bad: " + detail;
        }
    }
}
