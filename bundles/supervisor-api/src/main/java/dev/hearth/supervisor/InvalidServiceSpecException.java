package dev.hearth.supervisor;

/** A service spec field is missing or wrong. The message names the field. */
public final class InvalidServiceSpecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidServiceSpecException(String field, String problem) {
        super("invalid service spec: '" + field + "' " + problem);
        this.field = field;
    }

    /** The offending field. */
    public String field() {
        return field;
    }
}
