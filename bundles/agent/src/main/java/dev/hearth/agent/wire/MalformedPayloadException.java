package dev.hearth.agent.wire;

/** Bytes that are not a KuraPayload (bad protobuf, a broken gzip stream, too large when inflated). */
public final class MalformedPayloadException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedPayloadException(String message) {
        super(message);
    }

    public MalformedPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
