package dev.hearth.ota.install;

/** The state of a {@link ChunkUpdateSource}'s transfer. */
public enum TransferState {
    /** Chunks are coming. */
    RECEIVING,
    /** Every byte arrived and the whole bundle's SHA-256 matched; the reader may still be draining the pipe. */
    COMPLETE,
    /** Given up: the sender went away, the SHA-256 did not match, or the installer stopped reading. */
    ENDED
}
