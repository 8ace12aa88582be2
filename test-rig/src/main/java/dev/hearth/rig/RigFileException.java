package dev.hearth.rig;

/** A rig file that cannot be used; the message names the file and the key. */
public final class RigFileException extends Exception {

    private static final long serialVersionUID = 1L;

    public RigFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
