package dev.hearth.updater;

/** Where the updater stands. */
public enum UpdaterState {
    /** Nothing under way: an install may start. */
    IDLE,
    /** An update bundle is being verified and written into the inactive slot. */
    INSTALLING,
    /** An update is in the inactive slot and the boot selection tries it next: a reboot is due. */
    INSTALLED,
    /** Closed for good. */
    CLOSED
}
