package dev.hearth.agent;

/** What SYS-V1 EXEC reboot does on this host. Implementations: {@link FrameworkRestartRebootAction}. */
public interface RebootAction {

    /** A short name for replies and the audit log, such as {@code framework-restart}. */
    String name();

    /** Starts the reboot; may return before it happens. */
    void reboot();
}
