package dev.hearth.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.ota.Manifest;
import dev.hearth.ota.ManifestSigner;
import dev.hearth.ota.UpdateBundleWriter;
import dev.hearth.ota.install.ChunkReceipt;
import dev.hearth.ota.install.ChunkUpdateSource;
import dev.hearth.ota.install.FileUpdateSource;
import dev.hearth.ota.install.InstallerState;
import dev.hearth.ota.userland.UserlandInstaller;
import dev.hearth.ota.userland.UserlandState;
import dev.hearth.ota.userland.UserlandStore;
import dev.hearth.supervisor.Supervisor;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorEventSink;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;

/**
 * Userland-only updates on a real Felix framework: the updater installs a set into the userland
 * store and restarts the userland by stopping the system bundle (the real restart); the test then
 * does what the launcher does (a fresh framework, a new updater as the component's activation makes
 * one), and the health check confirms the set, or rolls it back and restarts again. A set the
 * launcher rolled back is reported at the next start.
 */
class UserlandUpdateTest {

    @TempDir
    Path dir;
    FileDevice device;
    UserlandStore store;
    Framework felix;
    ElasticSupervisor supervisor;
    Updater updater;
    HealthCheck check;

    @BeforeEach
    void start() throws Exception {
        device = new FileDevice(dir);
        store = new UserlandStore(dir.resolve("data/userland"));
        supervisor = new ElasticSupervisor(SupervisorSettings.defaults(dir.resolve("state")), SupervisorEventSink.NONE);
        felix = framework();
    }

    @AfterEach
    void stop() throws Exception {
        closeUpdater();
        supervisor.close();
        if (felix.getState() == org.osgi.framework.Bundle.ACTIVE) {
            felix.stop();
        }
        felix.waitForStop(10_000);
    }

    private Framework framework() throws Exception {
        Framework f = new FrameworkFactory().newFramework(Map.of(Constants.FRAMEWORK_STORAGE,
                dir.resolve("felix").toString(), Constants.FRAMEWORK_STORAGE_CLEAN,
                Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        f.start();
        return f;
    }

    private UpdaterSettings settings(Duration healthDeadline) {
        UpdaterSettings s = device.settings("A", "1.0", 0, true, healthDeadline, List.of());
        return new UpdaterSettings(s.board(), s.slots(), s.keyringFile(), s.environmentFiles(), s.environmentSize(),
                s.recordFile(), s.bootedSlot(), s.firmwareVersion(), s.firmwareCounter(), s.bootIdFile(),
                s.rebootAfterInstall(), s.health(), Optional.of(store.root()));
    }

    /** What the component's activation does in the framework running now. */
    private void activate(Duration healthDeadline, String... filters) throws IOException {
        BundleContext context = felix.getBundleContext();
        updater = new Updater(settings(healthDeadline), () -> Optional.of(device.reboot),
                (topic, props) -> device.events.add(topic + " " + props), new SystemBundleUserlandRestart(context));
        List<HealthCondition> conditions = new ArrayList<>();
        for (String f : filters) {
            conditions.add(new ServiceFilterCondition(context, f));
        }
        check = new HealthCheck(updater, conditions, healthDeadline, Duration.ofMillis(20));
        check.start();
    }

    private void closeUpdater() throws InterruptedException {
        if (check != null) {
            check.close();
            check = null;
        }
        if (updater != null) {
            updater.close();
            updater = null;
        }
    }

    /** The restart the launcher makes when the framework stopped by itself: a fresh framework. */
    private void awaitStopAndRestart() throws Exception {
        FrameworkEvent stopped = felix.waitForStop(20_000);
        assertEquals(FrameworkEvent.STOPPED, stopped.getType(), "the framework stopped by itself");
        closeUpdater();
        felix = framework();
    }

    /** A signed update bundle whose payload is a tar (made by the real tar) of {@code jars}. */
    private Path userlandBundle(String version, long counter, String... jars) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("set-" + version));
        for (String jar : jars) {
            Files.write(folder.resolve(jar), FileDevice.image(jar.hashCode(), 3000));
        }
        Path tar = dir.resolve("set-" + version + ".tar");
        Process p = new ProcessBuilder("tar", "-C", folder.toString(), "-cf", tar.toString(), ".").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        byte[] json = Manifest.of(FileDevice.BOARD, version, counter, List.of(UpdateBundleWriter.describe("userland",
                UserlandInstaller.SLOT_CLASS, tar, 4096))).toJson();
        Path bundle = dir.resolve("userland-" + version + ".hup");
        try (OutputStream o = Files.newOutputStream(bundle)) {
            UpdateBundleWriter.write(o, json, ManifestSigner.sign(json, device.signer, Instant.now()), List.of(tar));
        }
        return bundle;
    }

    private String install(Path bundle) throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        updater.install(new FileUpdateSource(bundle), false, new InstallListener() {
            @Override
            public void report(InstallerState state, long bytesDone, long bytesTotal) {
            }

            @Override
            public void finished(String result, String detail) {
                outcome.complete(result + ": " + detail);
            }
        });
        return outcome.get(20, TimeUnit.SECONDS);
    }

    private boolean posted(String topic, String version) {
        return device.events.stream().anyMatch(e -> e.startsWith(topic) && e.contains("slot=userland")
                && e.contains("version=" + version));
    }

    private static final String SUPERVISOR = "(objectClass=" + Supervisor.class.getName() + ")";

    @Test
    void aUserlandSetIsInstalledStartedAfterARestartAndConfirmedByTheHealthCheck() throws Exception {
        activate(Duration.ofSeconds(20), SUPERVISOR);
        assertEquals(HealthCheckState.NOT_NEEDED, check.state());

        String result = install(userlandBundle("2.0", 5, "a.jar", "b.jar"));

        assertTrue(result.startsWith("INSTALLED: installed userland 2.0"), result);
        UpdateRecord.Pending pending = new UpdateRecordFile(device.record).read().pending().orElseThrow();
        assertEquals(UpdateRecord.Kind.USERLAND, pending.kind());
        assertEquals("2.0", pending.version());
        assertEquals(Optional.of("2.0"), store.state().current());
        assertTrue(posted(UpdaterEvents.INSTALLED, "2.0"), device.events.toString());
        assertEquals(0, device.reboot.requests.get(), "a userland update restarts the userland, it does not reboot");
        awaitStopAndRestart();

        activate(Duration.ofSeconds(20), SUPERVISOR);
        assertEquals(HealthCheckState.WAITING, check.state(), "the new set is being tried");
        assertEquals("USERLAND", updater.status().pendingKind());
        felix.getBundleContext().registerService(Supervisor.class, supervisor, null);
        await(() -> check.state() == HealthCheckState.PASSED, "the health check passes");

        UserlandState s = store.state();
        assertEquals(Optional.of("2.0"), s.confirmed());
        assertFalse(s.currentUnconfirmed());
        UpdateRecord record = new UpdateRecordFile(device.record).read();
        assertTrue(record.pending().isEmpty());
        assertEquals(5, record.installedCounter(), "the set's counter is committed");
        assertTrue(posted(UpdaterEvents.MARKED_GOOD, "2.0"), device.events.toString());
        assertEquals("2.0", updater.status().userland());
        assertEquals("3", device.printenv().get("BOOT_A_LEFT"), "the slot is untouched");
    }

    @Test
    void aSetThatFailsItsHealthCheckIsRolledBackAndTheUserlandRestartsOnThePreviousSet() throws Exception {
        activate(Duration.ofSeconds(20), SUPERVISOR);
        install(userlandBundle("2.0", 5, "a.jar"));
        awaitStopAndRestart();
        activate(Duration.ofSeconds(20), SUPERVISOR);
        felix.getBundleContext().registerService(Supervisor.class, supervisor, null);
        await(() -> check.state() == HealthCheckState.PASSED, "2.0 is confirmed");

        String result = install(userlandBundle("3.0", 6, "a.jar", "c.jar"));
        assertTrue(result.startsWith("INSTALLED"), result);
        awaitStopAndRestart();
        // 3.0 never brings up the supervisor: the check runs out.
        activate(Duration.ofMillis(400), SUPERVISOR);
        assertEquals(HealthCheckState.WAITING, check.state());
        await(() -> check.state() == HealthCheckState.FAILED, "the health check fails");

        UserlandState s = store.state();
        assertEquals(Optional.of("2.0"), s.current(), "rolled back to the confirmed set");
        assertFalse(Files.exists(store.root().resolve("3.0")));
        UpdateRecord record = new UpdateRecordFile(device.record).read();
        assertTrue(record.pending().isEmpty());
        assertEquals(5, record.installedCounter(), "the failed set's counter is not committed");
        assertTrue(record.lastResult().startsWith("health check failed on userland 3.0"), record.lastResult());
        assertTrue(record.lastResult().endsWith("rolled back to userland 2.0"), record.lastResult());
        assertTrue(posted(UpdaterEvents.HEALTH_FAILED, "3.0"), device.events.toString());
        assertTrue(posted(UpdaterEvents.ROLLED_BACK, "3.0"), device.events.toString());
        assertEquals(0, device.reboot.requests.get(), "no reboot for a userland rollback");
        awaitStopAndRestart(); // the userland restarts on 2.0

        activate(Duration.ofSeconds(20), SUPERVISOR);
        assertEquals(HealthCheckState.NOT_NEEDED, check.state(), "the confirmed set is not checked again");
    }

    @Test
    void aSetTheLauncherRolledBackIsReportedAtTheNextStart() throws Exception {
        activate(Duration.ofSeconds(20), SUPERVISOR);
        install(userlandBundle("2.0", 5, "a.jar"));
        awaitStopAndRestart();
        // The set did not start (or the process ended during its check): the launcher rolled it back.
        store.rollback();

        activate(Duration.ofSeconds(20), SUPERVISOR);

        assertEquals(HealthCheckState.NOT_NEEDED, check.state());
        UpdateRecord record = new UpdateRecordFile(device.record).read();
        assertTrue(record.pending().isEmpty());
        assertEquals(0, record.installedCounter());
        assertTrue(record.lastResult().startsWith("rolled back: userland 2.0 did not start or did not become healthy; "
                + "running the distribution's bundles"), record.lastResult());
        assertTrue(posted(UpdaterEvents.ROLLED_BACK, "2.0"), device.events.toString());
    }

    /** Sends {@code bundle} as chunks into a source that can be read once, as OTA-V1 install from chunks does. */
    private String installFromChunks(byte[] bundle) throws Exception {
        ChunkUpdateSource source = new ChunkUpdateSource("t1", bundle.length,
                java.security.MessageDigest.getInstance("SHA-256").digest(bundle), 16 * 1024, 64 * 1024,
                Duration.ofSeconds(20));
        CompletableFuture<String> outcome = new CompletableFuture<>();
        updater.install(source, false, new InstallListener() {
            @Override
            public void report(InstallerState state, long bytesDone, long bytesTotal) {
            }

            @Override
            public void finished(String result, String detail) {
                outcome.complete(result + ": " + detail);
            }
        });
        for (int at = 0; at < bundle.length; at += 16 * 1024) {
            ChunkReceipt receipt = source.accept(at, java.util.Arrays.copyOfRange(bundle, at,
                    Math.min(bundle.length, at + 16 * 1024)));
            assertFalse(receipt instanceof ChunkReceipt.Rejected, receipt.toString());
        }
        return outcome.get(20, TimeUnit.SECONDS);
    }

    @Test
    void bundlesSentAsChunksAreReadOnceWhetherTheyCarryAUserlandSetOrASlotImage() throws Exception {
        activate(Duration.ofSeconds(20), SUPERVISOR);

        String userlandResult = installFromChunks(Files.readAllBytes(userlandBundle("2.0", 5, "a.jar", "b.jar")));
        assertTrue(userlandResult.startsWith("INSTALLED: installed userland 2.0"), userlandResult);
        assertEquals(Optional.of("2.0"), store.state().current());
        awaitStopAndRestart();
        activate(Duration.ofSeconds(20), SUPERVISOR);
        felix.getBundleContext().registerService(Supervisor.class, supervisor, null);
        await(() -> check.state() == HealthCheckState.PASSED, "2.0 is confirmed");

        String slotResult = installFromChunks(device.bundle(FileDevice.image(2, FileDevice.SLOT_SIZE), "2.0", 7));
        assertTrue(slotResult.startsWith("INSTALLED: installed version 2.0 into slot B"), slotResult);
        assertEquals("B A", device.printenv().get("BOOT_ORDER"));
        assertEquals(Optional.of("2.0"), store.state().current(), "the userland set stays");
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
