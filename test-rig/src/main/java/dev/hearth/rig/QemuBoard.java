package dev.hearth.rig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtual board: {@code qemu-system-aarch64 -M virt -cpu cortex-a72} with Debian's U-Boot as
 * {@code -bios}, the disk a qcow2 copy-on-write overlay over the image (which stays pristine),
 * the serial port and QMP on Unix sockets in a private run folder. One QEMU process is one
 * power-on; a guest reboot or a {@link #reset()} stays in the same process.
 *
 * <p>Power, and what each way of losing it keeps (the guest's RAM — its page cache, dirty
 * buffers, unsubmitted I/O — is lost by all three):
 * <ul>
 * <li>{@link #off()}: QMP {@code quit}. QEMU flushes its own caches and the overlay file before
 *     exiting: every write the guest had submitted to the disk is kept, flushed or not.</li>
 * <li>{@link #cut()}: SIGKILL, with the disk on {@code cache=writeback}. Kept: everything the
 *     guest flushed (fsync, FUA, barriers make QEMU write its qcow2 metadata and fdatasync the
 *     overlay). Lost: the qcow2 mapping of clusters first written since the guest's last flush,
 *     which QEMU holds in memory, so those writes read back as the image's old contents. Kept
 *     although unflushed: overwrites of clusters already in the overlay (they went to the host's
 *     page cache, which a killed process does not lose; a real card's volatile cache might).
 *     Not modelled: torn sectors, reordering inside the device.</li>
 * <li>{@link #powerButton()}: QMP {@code system_powerdown}, a request the guest may ignore.</li>
 * </ul>
 *
 * <p>States: OFF (no process), ON (process running), CLOSED. A guest power-off (PSCI) ends the
 * process: the board is OFF.
 */
public final class QemuBoard implements Board, PowerSwitch, Reset, BootMedium {

    public enum State { OFF, ON, CLOSED }

    private static final Logger LOG = LoggerFactory.getLogger(QemuBoard.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration QUIT_TIMEOUT = Duration.ofSeconds(20);

    private final BoardSpec spec;
    private final QemuMachine machine;
    private final Path run;
    private final UnixSocketConsole console;
    private final HubConnection hub;
    private State state = State.OFF;
    private Optional<Process> process = Optional.empty();
    private Optional<QmpChannel> qmp = Optional.empty();
    private Optional<Path> image;

    /** A virtual board whose sockets, overlay and QEMU log live in a new folder under {@code /tmp}. */
    public QemuBoard(BoardSpec spec, HubResource hubResource) {
        if (!spec.virtual()) {
            throw new IllegalArgumentException("QEMU board: '" + spec.name() + "' is not a virtual board");
        }
        this.spec = spec;
        this.machine = spec.qemu();
        this.image = machine.image();
        try {
            // Unix socket paths are limited to 108 bytes: a short folder, not the build's target/.
            this.run = Files.createTempDirectory("hearth-rig-");
        } catch (IOException e) {
            throw new UncheckedIOException("QEMU board '" + spec.name() + "': cannot make a run folder: " + e.getMessage(), e);
        }
        this.console = new UnixSocketConsole(spec.name());
        this.hub = new HubConnection(hubResource, spec.device());
    }

    /** The QEMU command line for a machine; {@code disk} empty for no disk. */
    public static List<String> command(QemuMachine machine, Optional<Path> disk, Path qmpSocket, Path consoleSocket) {
        List<String> argv = new ArrayList<>(List.of("qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a72",
                "-m", Integer.toString(machine.memoryMib()), "-smp", Integer.toString(machine.cpus()), "-nodefaults", "-no-user-config", "-display", "none",
                "-S", // paused until the rig has connected to the console: no output is lost
                "-chardev", "socket,id=qmp,path=" + qmpSocket + ",server=on,wait=off", "-mon", "chardev=qmp,mode=control",
                "-chardev", "socket,id=serial,path=" + consoleSocket + ",server=on,wait=off", "-serial", "chardev:serial",
                "-bios", machine.firmware().toString()));
        disk.ifPresent(d -> argv.addAll(List.of("-drive", "if=none,id=hd0,file=" + d + ",format=qcow2,cache=writeback",
                "-device", "virtio-blk-device,drive=hd0")));
        StringBuilder net = new StringBuilder("user,id=n0");
        for (QemuMachine.Forward f : machine.forwards()) {
            net.append(",hostfwd=tcp:127.0.0.1:").append(f.hostPort()).append("-:").append(f.guestPort());
        }
        argv.addAll(List.of("-netdev", net.toString(), "-device", "virtio-net-device,netdev=n0"));
        return argv;
    }

    @Override
    public BoardSpec spec() {
        return spec;
    }

    @Override
    public Console console() {
        return console;
    }

    @Override
    public PowerSwitch power() {
        return this;
    }

    @Override
    public BootMedium bootMedium() {
        return this;
    }

    @Override
    public Optional<Reset> resetLine() {
        return Optional.of(this);
    }

    @Override
    public Hub hub() {
        return hub.get();
    }

    @Override
    public Optional<HubTraffic> hubTraffic() {
        return hub.traffic();
    }

    /** The overlay the board writes to; empty when it has no disk. */
    public synchronized Optional<Path> disk() {
        return image.map(i -> overlay());
    }

    public synchronized State boardState() {
        refresh();
        return state;
    }

    @Override
    public synchronized PowerState state() {
        refresh();
        return state == State.ON ? PowerState.ON : PowerState.OFF;
    }

    @Override
    public synchronized void on() {
        refresh();
        if (state == State.ON) {
            return;
        }
        requireState(State.OFF, "power on");
        if (image.isPresent() && !Files.exists(overlay())) {
            makeOverlay(image.get());
        }
        Path qmpSocket = run.resolve("qmp.sock");
        Path consoleSocket = run.resolve("console.sock");
        try {
            Files.deleteIfExists(qmpSocket);
            Files.deleteIfExists(consoleSocket);
        } catch (IOException e) {
            throw new UncheckedIOException(where() + "cannot remove old sockets: " + e.getMessage(), e);
        }
        List<String> argv = command(machine, disk(), qmpSocket, consoleSocket);
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(run.resolve("qemu.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(where() + "cannot start qemu-system-aarch64 (install qemu-system-arm): " + e.getMessage(), e);
        }
        try {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!(Files.exists(qmpSocket) && Files.exists(consoleSocket))) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(where() + "QEMU exited with " + p.exitValue() + " at start: " + qemuLog());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(where() + "QEMU made no sockets within " + START_TIMEOUT.toSeconds() + " s: " + qemuLog());
                }
                LockSupport.parkNanos(5_000_000);
            }
            connectWhenListening(p, deadline, () -> {
                console.connect(consoleSocket);
                return consoleSocket;
            });
            QmpChannel q = connectWhenListening(p, deadline, () -> QmpChannel.connect(qmpSocket, START_TIMEOUT));
            qmp = Optional.of(q);
            process = Optional.of(p);
            state = State.ON;
            console.note("power on (QEMU " + p.pid() + ")");
            q.execute("cont", START_TIMEOUT);
        } catch (RuntimeException e) {
            p.destroyForcibly();
            console.disconnect();
            qmp.ifPresent(QmpChannel::close);
            qmp = Optional.empty();
            process = Optional.empty();
            state = State.OFF;
            throw e;
        }
        LOG.info("virtual board {}: ON (QEMU pid {})", spec.name(), p.pid());
    }

    /**
     * QEMU makes a socket's file when it binds it and listens a moment later: a connection in
     * between is refused. Retries those until the start deadline, while QEMU runs.
     */
    private static <T> T connectWhenListening(Process qemu, long deadline, java.util.function.Supplier<T> connect) {
        while (true) {
            try {
                return connect.get();
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof java.net.ConnectException) || !qemu.isAlive() || System.nanoTime() > deadline) {
                    throw e;
                }
                LockSupport.parkNanos(5_000_000);
            }
        }
    }

    @Override
    public synchronized void off() {
        refresh();
        if (state != State.ON) {
            return;
        }
        Process p = process.orElseThrow();
        console.note("power off (QMP quit)");
        try {
            qmp.orElseThrow().execute("quit", QUIT_TIMEOUT);
        } catch (IllegalStateException e) {
            // QEMU may close the channel before answering quit; its exit below is what counts.
            console.note("QMP quit: " + e.getMessage());
        }
        awaitExit(p, "quit");
        stopped("OFF after quit");
    }

    @Override
    public synchronized void cut() {
        refresh();
        if (state != State.ON) {
            return;
        }
        Process p = process.orElseThrow();
        console.note("power cut (SIGKILL)");
        p.destroyForcibly();
        awaitExit(p, "SIGKILL");
        stopped("OFF after a power cut");
    }

    @Override
    public synchronized void cycle() {
        off();
        on();
    }

    @Override
    public synchronized void reset() {
        refresh();
        requireState(State.ON, "reset");
        console.note("reset (QMP system_reset)");
        qmp.orElseThrow().execute("system_reset", QUIT_TIMEOUT);
        LOG.info("virtual board {}: reset", spec.name());
    }

    /** Presses the virtual power button (QMP {@code system_powerdown}); the guest decides what to do. */
    public synchronized void powerButton() {
        refresh();
        requireState(State.ON, "press the power button");
        console.note("power button (QMP system_powerdown)");
        qmp.orElseThrow().execute("system_powerdown", QUIT_TIMEOUT);
    }

    /** Makes a fresh overlay over {@code image}: what the board wrote before is gone. Power must be off. */
    @Override
    public synchronized void write(Path image) {
        refresh();
        requireState(State.OFF, "write the boot medium");
        if (!Files.isRegularFile(image)) {
            throw new IllegalArgumentException(where() + "no image " + image);
        }
        this.image = Optional.of(image.toAbsolutePath());
        makeOverlay(this.image.get());
        console.note("boot medium: " + image.getFileName());
    }

    private void makeOverlay(Path base) {
        try {
            Files.deleteIfExists(overlay());
        } catch (IOException e) {
            throw new UncheckedIOException(where() + "cannot remove the old overlay: " + e.getMessage(), e);
        }
        HostCommand.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", base.toAbsolutePath().toString(),
                overlay().toString()).run(where() + "overlay over " + base, Duration.ofSeconds(30));
    }

    private Path overlay() {
        return run.resolve("disk.qcow2");
    }

    /** Notices a QEMU that ended by itself (guest power-off, crash). Caller holds the lock. */
    private void refresh() {
        if (state == State.ON && process.map(p -> !p.isAlive()).orElse(true)) {
            int code = process.map(Process::exitValue).orElse(-1);
            console.note("QEMU exited with " + code);
            stopped("OFF (QEMU exited with " + code + ")");
        }
    }

    private void stopped(String how) {
        qmp.ifPresent(QmpChannel::close);
        qmp = Optional.empty();
        process = Optional.empty();
        console.disconnect();
        state = State.OFF;
        LOG.info("virtual board {}: {}", spec.name(), how);
    }

    private void awaitExit(Process p, String how) {
        try {
            if (!p.waitFor(QUIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                if (!p.waitFor(QUIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException(where() + "QEMU " + p.pid() + " did not exit after " + how);
                }
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(where() + "interrupted waiting for QEMU to exit after " + how, e);
        }
    }

    private void requireState(State wanted, String action) {
        if (state != wanted) {
            throw new IllegalStateException(where() + "cannot " + action + " while " + state);
        }
    }

    private String where() {
        return "virtual board '" + spec.name() + "': ";
    }

    private String qemuLog() {
        try {
            return Files.readString(run.resolve("qemu.log")).strip();
        } catch (IOException e) {
            return "(no QEMU log: " + e.getMessage() + ")";
        }
    }

    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        cut();
        console.close();
        hub.close();
        state = State.CLOSED;
        try (Stream<Path> files = Files.walk(run)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(where() + "cannot remove " + run + ": " + e.getMessage(), e);
        }
    }
}
