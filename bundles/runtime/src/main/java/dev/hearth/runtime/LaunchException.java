package dev.hearth.runtime;

/**
 * The userland cannot start: a broken file, a bundle that does not resolve or start, a core
 * service that never appeared. The message names the culprit; the launcher prints it and exits
 * non-zero.
 */
public final class LaunchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LaunchException(String message) {
        super(message);
    }

    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
