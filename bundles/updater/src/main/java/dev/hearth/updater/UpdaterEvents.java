package dev.hearth.updater;

/** OSGi Event Admin topics and properties the updater posts, for the agent to publish. */
public final class UpdaterEvents {

    /** An update was written and the boot selection tries it next. */
    public static final String INSTALLED = "dev/hearth/updater/INSTALLED";
    /** The slot being tried passed the health check and is marked good. */
    public static final String MARKED_GOOD = "dev/hearth/updater/MARKED_GOOD";
    /** The slot being tried failed the health check; a reboot falls back. */
    public static final String HEALTH_FAILED = "dev/hearth/updater/HEALTH_FAILED";
    /** The device runs the previous slot again: the update did not become healthy, or a rollback was asked for. */
    public static final String ROLLED_BACK = "dev/hearth/updater/ROLLED_BACK";

    /** The boot name the event is about. */
    public static final String SLOT = "slot";
    /** The version of the update the event is about. */
    public static final String VERSION = "version";
    /** What happened, in words. */
    public static final String DETAIL = "detail";

    private UpdaterEvents() {
    }
}
