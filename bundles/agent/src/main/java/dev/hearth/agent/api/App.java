package dev.hearth.agent.api;

/**
 * One app of the control namespace (SVC-V1, SYS-V1, OTA-V1 …): it parses the requests addressed
 * to it into its own typed commands and answers them. Adding an app is writing one of these and
 * registering it as an OSGi service of this type; the agent routes the app id to it, announces it
 * on {@code MQTT/APPS}, and keeps allow-list, signatures, audit, replies and store and forward.
 */
public interface App {

    /** The versioned app id, such as {@code SVC-V1}. */
    String id();

    /**
     * Answers a request. Runs on the agent's request thread, one request at a time: answer at once
     * and run long jobs on a thread of the app's own, reporting progress through
     * {@link Request#notifier()}. An exception becomes a 500 reply.
     */
    Response handle(Request request);
}
