package dev.hearth.isolation.crun;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The crun command line, with a state root of the driver's own. On a hybrid cgroup host every
 * command runs inside the driver's {@link MountNamespace} (through {@code nsenter}), where the v2
 * mount is hidden and crun uses the v1 controllers; except {@code crun start}, which only signals
 * a created container through its state directory and touches no cgroup: it runs directly, saving
 * the {@code nsenter} exec on the activation path, until it once fails that way (then it too goes
 * through the namespace, retried there at once).
 */
final class CrunRuntime {

    /** What one crun command did. */
    record Outcome(int status, String output) {
        boolean succeeded() {
            return status == 0;
        }
    }

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final String crun;
    private final Path stateRoot;
    private final Optional<Path> mountNamespace;
    private final AtomicBoolean startOutside = new AtomicBoolean(true);

    CrunRuntime(String crun, Path stateRoot, Optional<Path> mountNamespace) {
        this.crun = Objects.requireNonNull(crun, "crun");
        this.stateRoot = Objects.requireNonNull(stateRoot, "stateRoot");
        this.mountNamespace = Objects.requireNonNull(mountNamespace, "mountNamespace");
    }

    /** The argument vector of a crun command, nsenter included when needed. */
    List<String> command(String... arguments) {
        return command(true, arguments);
    }

    private List<String> command(boolean inNamespace, String... arguments) {
        List<String> argv = new ArrayList<>();
        mountNamespace.filter(ns -> inNamespace).ifPresent(ns -> {
            argv.add("nsenter");
            argv.add("--mount=" + ns);
        });
        argv.add(crun);
        argv.add("--root=" + stateRoot);
        argv.addAll(List.of(arguments));
        return argv;
    }

    /** Runs a crun command to its end and returns its status and combined output. */
    Outcome run(String... arguments) {
        return run(true, arguments);
    }

    /** {@code crun start}: directly while that works, else inside the namespace (see above). */
    Outcome start(String containerId) {
        if (mountNamespace.isPresent() && startOutside.get()) {
            Outcome outside = run(false, "start", containerId);
            if (outside.succeeded()) {
                return outside;
            }
            startOutside.set(false);
            Outcome inside = run(true, "start", containerId);
            return inside.succeeded() ? inside : new Outcome(inside.status(), inside.output()
                    + " (outside the mount namespace first: " + outside.output() + ")");
        }
        return run(true, "start", containerId);
    }

    private Outcome run(boolean inNamespace, String... arguments) {
        ProcessBuilder builder = new ProcessBuilder(command(inNamespace, arguments)).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return finish(builder, arguments);
    }

    /**
     * Runs {@code crun create}; its stdout and stderr, and so the container's, go to {@code log}
     * (a FIFO the caller reads). Returns crun's status; its error messages are in the log.
     */
    int create(String containerId, Path bundle, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command("create", "--bundle=" + bundle, containerId))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process process = builder.start();
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("crun create " + containerId + " did not finish within "
                        + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + crun + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + containerId, e);
        }
    }

    private Outcome finish(ProcessBuilder builder, String... arguments) {
        try {
            Process process = builder.start();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            try (InputStream in = process.getInputStream()) {
                in.transferTo(output);
            }
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("crun " + String.join(" ", arguments) + " did not finish within "
                        + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            return new Outcome(process.exitValue(), output.toString(StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + crun + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running crun " + arguments[0], e);
        }
    }
}
