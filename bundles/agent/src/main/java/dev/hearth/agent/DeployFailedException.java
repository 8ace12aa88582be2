package dev.hearth.agent;

/** A deployment step (download, verification, install, start, stop, uninstall) that did not succeed. */
final class DeployFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    DeployFailedException(String message) {
        super(message);
    }

    DeployFailedException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
