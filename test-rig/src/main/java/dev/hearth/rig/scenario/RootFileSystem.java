package dev.hearth.rig.scenario;

import dev.hearth.rig.HostCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A root file system image (ext4, as an update bundle's rootfs payload carries it) that the rig changes with debugfs to
 * make the firmware of an update: a new version, a userland that fails its health check, a
 * system that does not boot. Edits are collected, then applied in one debugfs run.
 */
public final class RootFileSystem {

    private static final Duration TOOL_LIMIT = Duration.ofMinutes(5);

    private final Path file;
    private final Path staging;
    private final List<String> commands = new ArrayList<>();
    private int staged;

    private RootFileSystem(Path file) {
        this.file = file;
        this.staging = file.resolveSibling(file.getFileName() + ".edits");
    }

    /** A sparse copy of {@code slot} at {@code copy}, to be edited. */
    public static RootFileSystem copyOf(Path slot, Path copy) {
        HostCommand.of("cp", "--sparse=always", slot.toString(), copy.toString()).run("copying " + slot, TOOL_LIMIT);
        return new RootFileSystem(copy);
    }

    public Path file() {
        return file;
    }

    /** Replaces (or creates) the regular file {@code path} with {@code content}, mode 0644. */
    public RootFileSystem write(String path, String content) {
        requireAbsolute(path);
        try {
            Files.createDirectories(staging);
            Path local = staging.resolve("f" + staged++);
            Files.writeString(local, content, StandardCharsets.UTF_8);
            commands.add("rm " + path);
            commands.add("write " + local + " " + path);
            commands.add("sif " + path + " mode 0100644");
            commands.add("sif " + path + " uid 0");
            commands.add("sif " + path + " gid 0");
        } catch (IOException e) {
            throw new UncheckedIOException("staging " + path + " for " + file + ": " + e.getMessage(), e);
        }
        return this;
    }

    /** Removes {@code path} (a file or a link). */
    public RootFileSystem remove(String path) {
        requireAbsolute(path);
        commands.add("rm " + path);
        return this;
    }

    /** Applies the edits; the file system is checked with e2fsck afterwards. */
    public Path apply() {
        try {
            Files.createDirectories(staging);
            Path script = staging.resolve("commands");
            Files.write(script, commands, StandardCharsets.UTF_8);
            HostCommand.of("debugfs", "-w", "-f", script.toString(), file.toString()).run("editing " + file, TOOL_LIMIT);
        } catch (IOException e) {
            throw new UncheckedIOException("editing " + file + ": " + e.getMessage(), e);
        }
        HostCommand.Result check = HostCommand.of("e2fsck", "-f", "-n", file.toString()).runForResult("checking " + file, TOOL_LIMIT);
        if (check.exitCode() != 0) {
            throw new IllegalStateException("the edited root file system " + file + " does not check clean: " + check.output());
        }
        commands.clear();
        return file;
    }

    private static void requireAbsolute(String path) {
        if (!path.startsWith("/") || path.contains("\n") || path.contains(" ")) {
            throw new IllegalArgumentException("root file system: '" + path + "' must be an absolute path without spaces");
        }
    }
}
