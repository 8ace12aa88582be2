package dev.hearth.updater;

import dev.hearth.ota.FileBlockDevice;
import dev.hearth.ota.Keyring;
import dev.hearth.ota.UpdatePolicy;
import dev.hearth.ota.boot.BootSelection;
import dev.hearth.ota.boot.UBootBootloader;
import dev.hearth.ota.boot.UBootEnvironment;
import dev.hearth.ota.install.InstallResult;
import dev.hearth.ota.install.Installer;
import dev.hearth.ota.install.InstallerState;
import dev.hearth.ota.install.UpdateSource;
import dev.hearth.ota.userland.UserlandInstallResult;
import dev.hearth.ota.userland.UserlandStore;
import dev.hearth.updater.api.RebootAction;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device side of an update: installs update bundles into the inactive slot on a thread of its
 * own, keeps the {@link UpdateRecord}, marks slots good or bad, rolls back, and turns the health
 * check's verdict into a mark or a reboot. A rollback that happened while the device was away
 * (the update never became healthy and the bootloader fell back) is found at construction and
 * reported. Thread-safe.
 */
public final class Updater implements AutoCloseable {

    /** How the last result of a rollback found at start begins. */
    static final String ROLLED_BACK = "rolled back";
    private static final Logger LOG = LoggerFactory.getLogger(Updater.class);
    /** The {@code slot} of events about userland updates. */
    static final String USERLAND = "userland";

    private final UpdaterSettings settings;
    private final UBootBootloader bootloader;
    private final UpdateRecordFile recordFile;
    private final Supplier<Optional<RebootAction>> reboot;
    private final UpdaterEventSink events;
    private final String bootId;
    private final ExecutorService installs;
    private final Optional<UserlandUpdate> userland;
    private final UserlandRestart userlandRestart;
    private UpdaterState state = UpdaterState.IDLE;
    private UpdateRecord record;
    private volatile long bytesDone;
    private volatile long bytesTotal;
    private volatile HealthCheckState health = HealthCheckState.NOT_NEEDED;

    /**
     * @param reboot the reboot action, when one is registered now
     * @throws IOException when the record or the boot id cannot be read
     */
    public Updater(UpdaterSettings settings, Supplier<Optional<RebootAction>> reboot, UpdaterEventSink events)
            throws IOException {
        this(settings, reboot, events, UserlandRestart.NONE);
    }

    /**
     * @param userlandRestart how the userland restarts after a userland install or rollback
     * @throws IOException when the record, the boot id or the userland store cannot be read
     */
    Updater(UpdaterSettings settings, Supplier<Optional<RebootAction>> reboot, UpdaterEventSink events,
            UserlandRestart userlandRestart) throws IOException {
        this.settings = settings;
        this.userland = settings.userland().map(root -> new UserlandUpdate(new UserlandStore(root)));
        this.userlandRestart = userlandRestart;
        this.reboot = reboot;
        this.events = events;
        List<UBootEnvironment.Copy> copies = settings.environmentFiles().stream()
                .map(p -> new UBootEnvironment.Copy(p, 0)).toList();
        this.bootloader = new UBootBootloader(new UBootEnvironment(copies, settings.environmentSize(),
                FileBlockDevice::open), settings.bootNames());
        this.recordFile = new UpdateRecordFile(settings.recordFile());
        try {
            this.bootId = Files.readString(settings.bootIdFile()).trim();
        } catch (IOException e) {
            throw new IOException("updater: cannot read the boot id from " + settings.bootIdFile(), e);
        }
        UpdateRecord read = recordFile.read();
        // The running firmware's counter is the floor only once its slot proved itself: a slot being
        // tried that falls back must not leave its counter behind (the old firmware would look like a
        // downgrade). Until then it is raised at mark-good.
        if (bootloader.selection().attemptsLeft(settings.bootedSlot()) >= BootSelection.ATTEMPTS) {
            read = read.withCounterAtLeast(settings.firmwareCounter());
        }
        this.record = read;
        findRollback();
        findUserlandOutcome();
        if (record.pending().filter(p -> !p.bootName().equals(settings.bootedSlot())).isPresent()) {
            state = UpdaterState.INSTALLED; // installed earlier in this boot: the reboot is still due
        }
        this.installs = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hearth-updater-install");
            t.setDaemon(true);
            return t;
        });
    }

    /** An update installed during an earlier boot into another slot than the one running now never got marked good. */
    private void findRollback() throws IOException {
        Optional<UpdateRecord.Pending> p = record.pending();
        if (p.isPresent() && !p.get().bootName().equals(settings.bootedSlot()) && !p.get().bootId().equals(bootId)) {
            // Out of the boot order: were the running slot's attempts to run out one day, the boot
            // script would otherwise give every slot in the order a fresh start, the failed one first.
            bootloader.markBad(p.get().bootName());
            String detail = ROLLED_BACK + ": slot " + p.get().bootName() + " (version " + p.get().version()
                    + ") did not become healthy and is marked bad; running slot " + settings.bootedSlot() + " (version "
                    + settings.firmwareVersion() + ")";
            write(record.withoutPending(detail));
            LOG.info("Updater: {}", detail);
            events.post(UpdaterEvents.ROLLED_BACK, eventProperties(p.get().bootName(), p.get().version(), detail));
        }
    }

    /**
     * A pending userland update that is no longer the current set was rolled back by the launcher (it
     * did not start, or a start of it was never confirmed); one that is confirmed already lost only
     * its record write, and is committed now.
     */
    private void findUserlandOutcome() throws IOException {
        if (userland.isEmpty() || record.pending().isEmpty() || !record.pending().get().userland()) {
            return;
        }
        UpdateRecord.Pending p = record.pending().get();
        if (userland.get().rolledBack(record.pending())) {
            String detail = "rolled back: userland " + p.version() + " did not start or did not become healthy; running "
                    + userland.get().running();
            write(record.withoutPending(detail));
            LOG.info("Updater: {}", detail);
            events.post(UpdaterEvents.ROLLED_BACK, eventProperties(USERLAND, p.version(), detail));
        } else if (userland.get().confirmedAlready(record.pending())) {
            String detail = "userland " + p.version() + " confirmed: installed (counter " + p.counter() + ")";
            write(record.committed(detail));
            LOG.info("Updater: {}", detail);
        }
    }

    public synchronized UpdaterState state() {
        return state;
    }

    public UpdaterSettings settings() {
        return settings;
    }

    /** Whether the running slot is being tried: the boot script took one of its attempts. */
    public boolean beingTried() throws IOException {
        return bootloader.selection().attemptsLeft(settings.bootedSlot()) < BootSelection.ATTEMPTS
                || userlandBeingTried();
    }

    /** Whether the running userland set is a pending userland update, not confirmed yet. */
    boolean userlandBeingTried() throws IOException {
        return userland.isPresent() && userland.get().beingTried(record().pending());
    }

    public synchronized UpdateRecord record() {
        return record;
    }

    public UpdaterStatus status() throws IOException {
        BootSelection s = bootloader.selection();
        UpdateRecord r;
        UpdaterState st;
        synchronized (this) {
            r = record;
            st = state;
        }
        return new UpdaterStatus(st, settings.bootedSlot(), settings.firmwareVersion(), s.order(),
                new java.util.TreeMap<>(s.attemptsLeft()), r.installedCounter(),
                r.pending().map(UpdateRecord.Pending::bootName).orElse(""),
                r.pending().map(UpdateRecord.Pending::version).orElse(""), bytesDone, bytesTotal, health, r.lastResult(),
                r.pending().map(p -> p.kind().name()).orElse(""),
                userland.isPresent() ? userland.get().store().state().current().orElse("") : "");
    }

    /**
     * Starts installing the update bundle from {@code source} into the inactive slot; returns at
     * once. Fails naming the state while another install runs.
     */
    public synchronized void install(UpdateSource source, boolean force, InstallListener listener) {
        if (state != UpdaterState.IDLE && state != UpdaterState.INSTALLED) {
            throw new IllegalStateException("updater: cannot install while " + state);
        }
        state = UpdaterState.INSTALLING;
        bytesDone = 0;
        bytesTotal = 0;
        long counter = record.installedCounter();
        LOG.info("Updater: INSTALLING from {}", source);
        installs.execute(() -> runInstall(source, new UpdatePolicy(settings.board(), counter, force), listener));
    }

    private void runInstall(UpdateSource source, UpdatePolicy policy, InstallListener listener) {
        if (userland.isPresent()) {
            PeekedUpdateSource peeked = PeekedUpdateSource.peek(source);
            if (peeked.userland()) {
                runUserlandInstall(userland.get(), peeked, policy, listener);
                return;
            }
            source = peeked; // read once: chunks cannot be read again
        }
        String outcome;
        String detail;
        boolean rebootNow = false;
        try {
            Installer installer = new Installer(Keyring.fromPem(settings.keyringFile()), settings.slots(), bootloader,
                    FileBlockDevice::open, new Installer.Settings(1 << 20, Optional.of(settings.keyringFile())));
            InstallResult result = installer.install(source, policy, settings.bootedSlot(),
                    (InstallerState s, long done, long total) -> {
                        bytesDone = done;
                        bytesTotal = total;
                        listener.report(s, done, total);
                    });
            if (result instanceof InstallResult.Installed ok) {
                outcome = "INSTALLED";
                detail = "installed version " + ok.manifest().version() + " into slot " + ok.bootName() + " ("
                        + ok.bytesWritten() + " bytes written, " + ok.bytesSkipped() + " already right); "
                        + "it boots next";
                synchronized (this) {
                    write(record.withPending(new UpdateRecord.Pending(ok.bootName(), ok.manifest().version(),
                            ok.manifest().counter(), bootId), detail));
                    state = UpdaterState.INSTALLED;
                }
                events.post(UpdaterEvents.INSTALLED, eventProperties(ok.bootName(), ok.manifest().version(), detail));
                rebootNow = settings.rebootAfterInstall();
            } else if (result instanceof InstallResult.Refused r) {
                outcome = "REFUSED";
                detail = "refused, " + r.reason() + ": " + r.detail();
                finish(detail);
            } else {
                outcome = "FAILED";
                detail = result.toString();
                finish(detail);
            }
        } catch (IOException | RuntimeException e) {
            outcome = "ERROR";
            detail = "install from " + source + " broke: " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : "");
            try {
                finish(detail);
            } catch (IOException recordBroken) {
                e.addSuppressed(recordBroken);
            }
            LOG.error("Updater: {}", detail, e);
        }
        LOG.info("Updater: {}", detail);
        listener.finished(outcome, detail);
        if (rebootNow) {
            requestReboot("to try the update");
        }
    }

    /** A userland install: the set goes into the store, becomes current (unconfirmed), and the userland restarts. */
    private void runUserlandInstall(UserlandUpdate u, UpdateSource source, UpdatePolicy policy, InstallListener listener) {
        String outcome;
        String detail;
        boolean restartNow = false;
        try {
            UserlandInstallResult result = u.install(settings.keyringFile(), source, policy,
                    (InstallerState s, long done, long total) -> {
                        bytesDone = done;
                        bytesTotal = total;
                        listener.report(s, done, total);
                    });
            if (result instanceof UserlandInstallResult.Installed ok) {
                outcome = "INSTALLED";
                detail = "installed userland " + ok.version() + " (" + ok.bytes() + " bytes); it starts at the next "
                        + "userland restart";
                synchronized (this) {
                    write(record.withPending(new UpdateRecord.Pending(settings.bootedSlot(), ok.version(),
                            ok.manifest().counter(), bootId, UpdateRecord.Kind.USERLAND), detail));
                    state = UpdaterState.INSTALLED;
                }
                events.post(UpdaterEvents.INSTALLED, eventProperties(USERLAND, ok.version(), detail));
                restartNow = settings.rebootAfterInstall();
            } else {
                outcome = result instanceof UserlandInstallResult.Refused ? "REFUSED" : "FAILED";
                detail = result.toString();
                synchronized (this) {
                    write(record.withResult(detail));
                    state = UpdaterState.IDLE;
                }
            }
        } catch (IOException | RuntimeException e) {
            outcome = "ERROR";
            detail = "userland install from " + source + " broke: " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : "");
            synchronized (this) {
                state = UpdaterState.IDLE;
                try {
                    write(record.withResult(detail));
                } catch (IOException recordBroken) {
                    e.addSuppressed(recordBroken);
                }
            }
            LOG.error("Updater: {}", detail, e);
        }
        LOG.info("Updater: {}", detail);
        listener.finished(outcome, detail);
        if (restartNow) {
            restartUserland("to start userland " + record().pending().map(UpdateRecord.Pending::version).orElse(""));
        }
    }

    private void restartUserland(String why) {
        LOG.info("Updater: restarting the userland ({}) {}", userlandRestart.name(), why);
        if (!userlandRestart.restart()) {
            LOG.info("Updater: a userland restart is needed {}; nothing here restarts it", why);
        }
    }

    /**
     * An install that did not install: the record keeps a pending update only while its slot is
     * still in the boot order (a failed install marked its target bad, a refused one wrote nothing).
     */
    private synchronized void finish(String detail) throws IOException {
        Optional<UpdateRecord.Pending> p = record.pending();
        if (p.isPresent() && bootloader.selection().order().contains(p.get().bootName())) {
            write(record.withResult(detail));
            state = p.get().bootName().equals(settings.bootedSlot()) ? UpdaterState.IDLE : UpdaterState.INSTALLED;
        } else {
            write(record.withoutPending(detail));
            state = UpdaterState.IDLE;
        }
    }

    /** The running slot proved itself: full attempts again; a pending update in it is committed. */
    public synchronized String markGood() throws IOException {
        requireNotInstalling("mark good");
        bootloader.markGood(settings.bootedSlot());
        record = record.withCounterAtLeast(settings.firmwareCounter());
        Optional<UpdateRecord.Pending> p = record.pending();
        String detail;
        if (userlandBeingTried()) {
            userland.orElseThrow().confirm();
            detail = "userland " + p.get().version() + " confirmed: installed (counter " + p.get().counter() + ")";
            write(record.committed(detail));
            events.post(UpdaterEvents.MARKED_GOOD, eventProperties(USERLAND, p.get().version(), detail));
        } else if (p.isPresent() && p.get().bootName().equals(settings.bootedSlot())) {
            detail = "slot " + settings.bootedSlot() + " marked good: version " + p.get().version() + " installed (counter "
                    + p.get().counter() + ")";
            write(record.committed(detail));
            events.post(UpdaterEvents.MARKED_GOOD, eventProperties(p.get().bootName(), p.get().version(), detail));
        } else {
            // A rollback found at start stays in the last result: it is what the hub wants to read.
            String good = "slot " + settings.bootedSlot() + " marked good";
            String last = record.lastResult();
            detail = !last.startsWith(ROLLED_BACK) ? good : last.endsWith("; " + good) ? last : last + "; " + good;
            write(record.withResult(detail));
        }
        return detail;
    }

    /** A slot must not boot: no attempts, out of the order. Refused when it would leave nothing to boot. */
    public synchronized String markBad(String bootName) throws IOException {
        requireNotInstalling("mark bad");
        BootSelection next = bootloader.selection().markBad(known(bootName));
        if (next.order().stream().noneMatch(n -> next.attemptsLeft(n) > 0 || n.equals(settings.bootedSlot()))) {
            throw new IllegalStateException("updater: marking slot " + bootName + " bad leaves no slot to boot (order "
                    + next.order() + ")");
        }
        bootloader.markBad(bootName);
        String detail = "slot " + bootName + " marked bad";
        Optional<UpdateRecord.Pending> p = record.pending();
        if (p.isPresent() && p.get().bootName().equals(bootName)) {
            write(record.withoutPending(detail + "; update " + p.get().version() + " dropped"));
            state = UpdaterState.IDLE;
        } else {
            write(record.withResult(detail));
        }
        return detail;
    }

    /**
     * Boots the other slot next (first in the order, full attempts) and requests a reboot. Refused
     * when the other slot is marked bad (it may hold a partial image).
     */
    public String rollback() throws IOException {
        String other;
        synchronized (this) {
            requireNotInstalling("roll back");
            other = settings.bootNames().stream().filter(n -> !n.equals(settings.bootedSlot())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("updater: a board with one slot cannot roll back"));
            BootSelection s = bootloader.selection();
            if (!s.order().contains(other) || s.attemptsLeft(other) == 0) {
                throw new IllegalStateException("updater: slot " + other + " is marked bad (order " + s.order()
                        + "); there is nothing to roll back to");
            }
            bootloader.markActive(other);
            String detail = "rollback to slot " + other + " requested";
            write(record.pending().filter(p -> p.bootName().equals(other)).isPresent()
                    ? record.withResult(detail) : record.withoutPending(detail));
            state = UpdaterState.INSTALLED;
            events.post(UpdaterEvents.ROLLED_BACK, eventProperties(other, "", detail));
        }
        requestReboot("to roll back to slot " + other);
        return "rollback to slot " + other + " requested";
    }

    /** The health check passed: the running slot is marked good. */
    void healthy() throws IOException {
        markGood();
        // Published only once the slot is marked good and the counter committed.
        health = HealthCheckState.PASSED;
        LOG.info("Updater: health check PASSED on slot {}", settings.bootedSlot());
    }

    /**
     * The health check failed: a pending update in the running slot is marked bad so that the next
     * boot falls back at once (an established slot keeps its attempts and the counter runs down),
     * the failure is recorded and reported, and a reboot is requested.
     */
    void unhealthy(String reason) throws IOException {
        if (userlandBeingTried()) {
            userlandUnhealthy(reason);
            return;
        }
        String detail = "health check failed on slot " + settings.bootedSlot() + ": " + reason;
        synchronized (this) {
            Optional<UpdateRecord.Pending> p = record.pending();
            boolean fallBack = p.isPresent() && p.get().bootName().equals(settings.bootedSlot())
                    && settings.bootNames().stream().anyMatch(n -> !n.equals(settings.bootedSlot()));
            if (fallBack) {
                BootSelection s = bootloader.selection();
                boolean otherBootable = s.order().stream().anyMatch(n -> !n.equals(settings.bootedSlot())
                        && s.attemptsLeft(n) > 0);
                if (otherBootable) {
                    bootloader.markBad(settings.bootedSlot());
                }
            }
            write(record.withResult(detail));
        }
        // Published only once the slot is marked bad and the failure recorded.
        health = HealthCheckState.FAILED;
        LOG.info("Updater: {}", detail);
        events.post(UpdaterEvents.HEALTH_FAILED, eventProperties(settings.bootedSlot(), settings.firmwareVersion(), detail));
        requestReboot("so that the bootloader falls back");
    }

    /** The pending userland set failed its health check: rolled back in the store, reported, and the userland restarted. */
    private void userlandUnhealthy(String reason) throws IOException {
        String version;
        String detail;
        synchronized (this) {
            version = record.pending().orElseThrow().version();
            String now = userland.orElseThrow().rollback();
            detail = "health check failed on userland " + version + ": " + reason + "; rolled back to " + now;
            write(record.withoutPending(detail));
        }
        // Published only once the set is rolled back and the failure recorded.
        health = HealthCheckState.FAILED;
        LOG.info("Updater: {}", detail);
        events.post(UpdaterEvents.HEALTH_FAILED, eventProperties(USERLAND, version, detail));
        events.post(UpdaterEvents.ROLLED_BACK, eventProperties(USERLAND, version, detail));
        restartUserland("to start the set rolled back to");
    }

    void healthState(HealthCheckState s) {
        health = s;
    }

    HealthCheckState healthState() {
        return health;
    }

    private void requestReboot(String why) {
        Optional<RebootAction> action = reboot.get();
        if (action.isEmpty()) {
            LOG.info("Updater: a reboot is needed {}; no reboot action is registered", why);
            return;
        }
        LOG.info("Updater: rebooting ({}) {}", action.get().name(), why);
        action.get().reboot();
    }

    private void requireNotInstalling(String what) {
        if (state == UpdaterState.INSTALLING || state == UpdaterState.CLOSED) {
            throw new IllegalStateException("updater: cannot " + what + " while " + state);
        }
    }

    private String known(String bootName) {
        if (!settings.bootNames().contains(bootName)) {
            throw new IllegalArgumentException("updater: unknown slot '" + bootName + "', known " + settings.bootNames());
        }
        return bootName;
    }

    private void write(UpdateRecord next) throws IOException {
        recordFile.write(next);
        record = next;
    }

    private static Map<String, Object> eventProperties(String slot, String version, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(UpdaterEvents.SLOT, slot);
        m.put(UpdaterEvents.VERSION, version);
        m.put(UpdaterEvents.DETAIL, detail);
        return m;
    }

    @Override
    public synchronized void close() {
        state = UpdaterState.CLOSED;
        installs.shutdownNow();
    }
}
