package dev.hearth.isolation.crun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A private mount namespace, pinned by a bind mount of its nsfs file, in which the cgroup v2 tree
 * of a hybrid host is unmounted: crun 1.8 refuses hybrid hosts and, there, sees a plain v1 host.
 * Entering a pinned namespace ({@code nsenter --mount=FILE}) costs one exec, about a third of what
 * {@code unshare -m} plus an umount in a shell costs per command.
 *
 * <p>The namespace lives until {@link #close()} (or until the host reboots): a driver that was
 * killed leaves it pinned, and the next one reuses it.
 */
final class MountNamespace implements AutoCloseable {

    private final Path directory;
    private final Path file;

    private MountNamespace(Path directory) {
        this.directory = directory;
        this.file = directory.resolve("mnt");
    }

    /** The pinned namespace file, for {@code nsenter --mount=}. */
    Path file() {
        return file;
    }

    /**
     * Pins a namespace under {@code directory} with {@code unifiedMount} unmounted in it, or reuses
     * the one already pinned there.
     */
    static MountNamespace open(Path directory, Path unifiedMount) {
        MountNamespace namespace = new MountNamespace(directory.toAbsolutePath().normalize());
        try {
            Files.createDirectories(namespace.directory);
            String mounts = Files.readString(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8);
            if (mounts.contains(" " + namespace.file + " ") && mounts.contains(" - nsfs ")) {
                return namespace;
            }
            if (!mounts.contains(" " + namespace.directory + " ")) {
                // An nsfs file can only be pinned below a private mount.
                run(List.of("mount", "--bind", namespace.directory.toString(), namespace.directory.toString()));
            }
            run(List.of("mount", "--make-private", namespace.directory.toString()));
            Files.deleteIfExists(namespace.file);
            Files.createFile(namespace.file);
            run(List.of("unshare", "--mount=" + namespace.file, "--propagation", "private",
                    "umount", "--lazy", unifiedMount.toString()));
            return namespace;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a private mount namespace in " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        run(List.of("umount", file.toString()));
        run(List.of("umount", directory.toString()));
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int status = process.waitFor();
            if (status != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + status + "): " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }
}
