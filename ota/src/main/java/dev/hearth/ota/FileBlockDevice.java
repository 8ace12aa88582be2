package dev.hearth.ota;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A block device node or a regular file standing for one, through a {@link FileChannel}. */
public final class FileBlockDevice implements BlockDevice {

    private final Path path;
    private final FileChannel channel;

    private FileBlockDevice(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens an existing device or file for reading and writing. */
    public static FileBlockDevice open(Path path) throws IOException {
        return new FileBlockDevice(path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    @Override
    public void write(long position, ByteBuffer src) throws IOException {
        long at = position;
        while (src.hasRemaining()) {
            at += channel.write(src, at);
        }
    }

    @Override
    public void force() throws IOException {
        channel.force(true);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
