package dev.hearth.rig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A command-line tool of the rig's host (stty, gpioset, usbsdmux, qemu-img), run to completion
 * with a time limit. Drivers build the argument list; tests check it without running it.
 *
 * @param argv the program and its arguments
 */
public record HostCommand(List<String> argv) {

    /** How a finished command ended; {@code output} is its standard output and error together. */
    public record Result(int exitCode, String output) { }

    public HostCommand {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("host command: no program");
        }
    }

    public static HostCommand of(String... argv) {
        return new HostCommand(List.of(argv));
    }

    /** Runs the command; a missing program, a time-out or a non-zero exit fail naming {@code what} and the output. */
    public String run(String what, Duration timeout) {
        Result r = runForResult(what, timeout);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(what + ": '" + this + "' exited with " + r.exitCode() + ": " + r.output().strip());
        }
        return r.output();
    }

    /** Runs the command and returns how it ended, whatever its exit code. */
    public Result runForResult(String what, Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": cannot run '" + argv.get(0) + "' (is it installed?): " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            p.destroyForcibly();
            throw new UncheckedIOException(what + ": cannot close the input of " + argv.get(0) + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(what + ": '" + this + "' did not finish within " + timeout.toMillis() + " ms");
            }
            return new Result(p.exitValue(), output.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + ": interrupted while running '" + this + "'", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(what + ": cannot read the output of '" + this + "': " + e, e);
        }
    }

    @Override
    public String toString() {
        return String.join(" ", argv);
    }
}
