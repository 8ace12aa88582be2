package dev.hearth.isolation.crun;

import dev.hearth.isolation.InstanceUsage;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * One crun container and its directory ({@code config.json}, the socket directory, the log FIFO).
 * It is CREATED once {@code crun create} has made its namespaces and cgroup (a parked sandbox:
 * one stopped process), RUNNING once {@code crun start} has run the service, ENDED when every
 * process in it has gone. Its stdout and stderr flow through a FIFO into a {@link LogRing}; the end
 * of that stream is how the driver learns the container has ended.
 */
final class Sandbox {

    /** Where a sandbox stands. */
    enum State {
        CREATED,
        RUNNING,
        ENDED
    }

    static final int LOG_LINES = 200;
    private static final int MAX_LINE = 2000;
    private static final long FAST_POLL_NANOS = 5_000_000;

    private final String id;
    private final Path directory;
    private final CrunRuntime runtime;
    private final CgroupMeter meter;
    private final LogRing log = new LogRing(LOG_LINES);
    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile InstanceUsage finalUsage = InstanceUsage.NONE;
    private volatile long oomKills;

    private Sandbox(String id, Path directory, CrunRuntime runtime, CgroupMeter meter) {
        this.id = id;
        this.directory = directory;
        this.runtime = runtime;
        this.meter = meter;
    }

    /**
     * Creates container {@code id} in {@code directory} from {@code configJson}; blocks for the
     * length of {@code crun create}. Its output FIFO comes from {@code fifos}; the log reader runs
     * on {@code readers}.
     */
    static Sandbox create(String id, Path directory, String configJson, CrunRuntime runtime, CgroupMeter meter,
                          LogFifoStock fifos, Executor readers) {
        Sandbox sandbox = new Sandbox(id, directory, runtime, meter);
        Path fifo = directory.resolve("log");
        try {
            Files.createDirectories(directory.resolve("socket"));
            Files.writeString(directory.resolve("config.json"), configJson);
            fifos.take(fifo);
            int status;
            InputStream reader;
            // Opening a FIFO's read end alone blocks until a writer comes; holding a read-write end
            // while crun starts lets both opens return at once.
            try (RandomAccessFile holder = new RandomAccessFile(fifo.toFile(), "rw")) {
                reader = new FileInputStream(fifo.toFile());
                readers.execute(() -> sandbox.pump(reader));
                status = runtime.create(id, directory, fifo);
            }
            if (status != 0) {
                sandbox.ended.get(5, TimeUnit.SECONDS);
                throw new IllegalStateException("crun create failed (" + status + "): "
                        + String.join(" | ", sandbox.logTail(5)));
            }
            return sandbox;
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare container " + id + " in " + directory + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + id, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("crun create of " + id + " failed and its output did not end", e);
        }
    }

    String id() {
        return id;
    }

    State state() {
        return state.get();
    }

    /** Completes when every process of the container has ended. */
    CompletableFuture<Void> ended() {
        return ended;
    }

    /** The service's socket, seen from the host. */
    Path socket() {
        return directory.resolve("socket").resolve(RuntimeConfig.SOCKET_NAME);
    }

    /** Runs the service: {@code crun start}. */
    void start() {
        if (!state.compareAndSet(State.CREATED, State.RUNNING)) {
            throw new IllegalStateException("container " + id + " cannot start: it is " + state.get());
        }
        CrunRuntime.Outcome outcome = runtime.start(id);
        if (!outcome.succeeded()) {
            throw new IllegalStateException("crun start failed (" + outcome.status() + "): " + outcome.output());
        }
    }

    /**
     * Waits until the service's socket accepts a connection, the container ends, or the deadline
     * passes. A socket appearing is not an event crun reports, so it polls: every 25 µs for the first
     * 5 ms (a small service listens within a millisecond or two of {@code crun start}), then backing
     * off to 1 ms.
     */
    boolean awaitSocket(long deadlineNanos) {
        Path socket = socket();
        long fastUntil = System.nanoTime() + FAST_POLL_NANOS;
        long pause = 25_000;
        while (!ended.isDone()) {
            if (Files.exists(socket)) {
                try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    probe.connect(UnixDomainSocketAddress.of(socket));
                    return true;
                } catch (IOException notYet) {
                    // bound but not listening yet: try again
                }
            }
            long now = System.nanoTime();
            if (now - deadlineNanos > 0) {
                return false;
            }
            LockSupport.parkNanos(pause);
            if (now - fastUntil > 0) {
                pause = Math.min(pause * 2, 1_000_000);
            }
        }
        return false;
    }

    /** Sends a signal to the container's processes ({@code crun kill --all}). */
    void signal(String signal) {
        if (ended.isDone()) {
            return;
        }
        CrunRuntime.Outcome outcome = runtime.run("kill", "--all", id, signal);
        if (!outcome.succeeded() && !ended.isDone()) {
            log.add("crun kill " + signal + " failed: " + outcome.output());
        }
    }

    /** Usage so far: live from the cgroup while it exists, then the last figures read. */
    InstanceUsage usage() {
        return state.get() == State.ENDED ? finalUsage : meter.read();
    }

    long oomKills() {
        return oomKills;
    }

    /**
     * Reads the final usage, deletes the container ({@code crun delete -f}) and its directory.
     * Returns a problem for people, empty when all went well.
     */
    String delete() {
        State was = state.getAndSet(State.ENDED);
        if (was != State.ENDED) {
            InstanceUsage last = meter.read();
            if (last.cpuMillis() >= 0 || last.peakMemoryBytes() >= 0) {
                finalUsage = last;
            }
            oomKills = meter.oomKills();
        }
        CrunRuntime.Outcome outcome = runtime.run("delete", "--force", id);
        String problem = outcome.succeeded() ? "" : "crun delete failed: " + outcome.output();
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            problem = (problem.isEmpty() ? "" : problem + "; ") + "cannot delete " + directory + ": " + e.getMessage();
        }
        return problem;
    }

    void note(String event) {
        log.add("[hearth] " + event);
    }

    List<String> logTail(int maxLines) {
        return log.tail(maxLines);
    }

    /** Copies the container's output into the log ring, line by line, until every writer is gone. */
    private void pump(InputStream in) {
        byte[] buffer = new byte[4096];
        StringBuilder line = new StringBuilder();
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                String text = new String(buffer, 0, n, StandardCharsets.UTF_8);
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if (c == '\n' || line.length() >= MAX_LINE) {
                        log.add(line.toString());
                        line.setLength(0);
                        if (c == '\n') {
                            continue;
                        }
                    }
                    line.append(c);
                }
            }
            if (line.length() > 0) {
                log.add(line.toString());
            }
        } catch (IOException e) {
            log.add("[hearth] reading the container's output failed: " + e.getMessage());
        } finally {
            ended.complete(null);
        }
    }
}
