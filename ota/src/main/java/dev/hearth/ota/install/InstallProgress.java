package dev.hearth.ota.install;

/**
 * How far an install is, reported by the installer on its own thread: once the manifest is
 * verified ({@code bytesDone == 0}), after every verified chunk while writing, and when switching.
 * Must return quickly and not throw.
 */
@FunctionalInterface
public interface InstallProgress {

    /** Reports nothing. */
    InstallProgress NONE = (state, bytesDone, bytesTotal) -> { };

    /**
     * @param state      what the installer is doing
     * @param bytesDone  payload bytes verified so far, over every payload
     * @param bytesTotal payload bytes of the whole update bundle
     */
    void report(InstallerState state, long bytesDone, long bytesTotal);
}
