package dev.hearth.agent;

/**
 * One app of the control namespace (SVC-V1, SYS-V1 …): it parses the requests addressed to it into
 * its own typed commands and answers them. Adding an app is writing one of these.
 */
public interface App {

    /** The versioned app id, such as {@code SVC-V1}. */
    String id();

    /** Answers a request. Runs on the agent's request thread; an exception becomes a 500 reply. */
    Response handle(Request request);
}
