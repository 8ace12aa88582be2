package dev.hearth.ota;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Where slot images and boot environments are written: a block device, or a file standing for
 * one. Writes become durable only after {@link #force()}; a power cut may lose or tear any write
 * that was not forced.
 */
public interface BlockDevice extends AutoCloseable {

    /** Opens the block device (or file) at a path. */
    @FunctionalInterface
    interface Opener {
        BlockDevice open(Path device) throws IOException;
    }

    long size() throws IOException;

    /** Reads into {@code dst} from {@code position} until it is full or the device ends; returns the bytes read. */
    int read(long position, ByteBuffer dst) throws IOException;

    /** Writes all of {@code src} at {@code position}. */
    void write(long position, ByteBuffer src) throws IOException;

    /** Makes every write so far durable (data and metadata), like {@code fsync}. */
    void force() throws IOException;

    @Override
    void close() throws IOException;
}
