package dev.hearth.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Exclusive use of a state directory by one userland: an OS file lock on
 * {@code <state>/hearth.lock}, held until the process ends. A second userland on the same
 * directory would wipe the first one's framework cache and share its services' data.
 */
final class StateLock implements AutoCloseable {

    static final String FILE_NAME = "hearth.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StateLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @throws LaunchException when another process holds the directory, or the lock file cannot be made
     */
    static StateLock acquire(Path stateDirectory) {
        Path file = stateDirectory.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new LaunchException("state directory " + stateDirectory
                        + " is in use by another Hearth process (it holds " + file + ")");
            }
            return new StateLock(channel, lock);
        } catch (IOException | OverlappingFileLockException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw new LaunchException("cannot lock state directory " + stateDirectory + ": " + e, e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
