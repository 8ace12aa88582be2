package dev.hearth.updater;

/** Where the health check after a boot stands. */
public enum HealthCheckState {
    /** The running slot was already good when the userland started (or the check is disabled). */
    NOT_NEEDED,
    /** Waiting for the conditions, within the deadline. */
    WAITING,
    /** Every condition was met: the slot is marked good. */
    PASSED,
    /** The deadline passed with a condition unmet: a reboot lets the bootloader fall back. */
    FAILED,
    /** Stopped before a verdict (the userland is stopping). */
    STOPPED
}
