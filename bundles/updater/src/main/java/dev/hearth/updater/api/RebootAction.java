package dev.hearth.updater.api;

/**
 * Reboots the device so that the bootloader chooses a slot again: after an install (to try the new
 * slot), after a rollback, and when the health check fails. An OSGi service; the updater uses
 * whichever one is registered, and only reports the need for a reboot when there is none.
 */
public interface RebootAction {

    /** A short name for status and logs, such as {@code command}. */
    String name();

    /** Starts the reboot; may return before it happens. */
    void reboot();
}
