package dev.hearth.updater;

import dev.hearth.ota.install.InstallProgress;

/** Follows one install: progress while it runs, then exactly one outcome. Called on the install thread. */
public interface InstallListener extends InstallProgress {

    /**
     * @param outcome {@code INSTALLED}, {@code REFUSED}, {@code FAILED} (slot marked bad) or {@code ERROR}
     *                (a broken environment)
     * @param detail  what happened, in words
     */
    void finished(String outcome, String detail);
}
