package dev.hearth.ota.install;

/** What the installer is doing. */
public enum InstallerState {
    IDLE,
    /** Reading and checking the manifest; nothing written yet. */
    VERIFYING,
    /** Streaming payloads into the target slots (marked bad while this lasts). */
    WRITING,
    /** Payloads flushed; changing the boot selection. */
    SWITCHING
}
