package dev.hearth.ota.install;

/** What became of one chunk offered to a {@link ChunkUpdateSource}. */
public sealed interface ChunkReceipt {

    /**
     * In the pipe.
     *
     * @param received bytes received so far, this chunk included
     * @param size     the bundle's size
     */
    record Accepted(long received, long size) implements ChunkReceipt {
        public boolean complete() {
            return received == size;
        }
    }

    /** Not taken, with the reason (out of order, a duplicate, too large, the transfer over). */
    record Rejected(String reason) implements ChunkReceipt { }
}
