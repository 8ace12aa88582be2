package dev.hearth.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.isolation.injvm.InJvmIsolationDriver;
import dev.hearth.ota.install.FileUpdateSource;
import dev.hearth.ota.install.InstallerState;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.ServiceSpec;
import dev.hearth.supervisor.Supervisor;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorEventSink;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;

/**
 * The boot after an install, on file-backed slots with the real environment tools: the health check
 * waits for services in a real Felix framework and a real supervisor, then marks the slot good; when
 * the deadline passes it marks the tried slot bad and asks the reboot action, and the slot booted
 * after the fall-back reports the rollback.
 */
class HealthCheckTest {

    @TempDir
    Path dir;
    FileDevice device;
    Framework felix;
    ElasticSupervisor supervisor;
    Updater updater;
    HealthCheck check;

    @BeforeEach
    void start() throws Exception {
        device = new FileDevice(dir);
        felix = new FrameworkFactory().newFramework(Map.of(Constants.FRAMEWORK_STORAGE, dir.resolve("felix").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        felix.start();
        supervisor = new ElasticSupervisor(SupervisorSettings.defaults(dir.resolve("state")), SupervisorEventSink.NONE);
        InJvmIsolationDriver driver = new InJvmIsolationDriver();
        driver.addFactory("notes", ctx -> request -> ServiceResponse.of(200, "text/plain", new byte[0]));
        supervisor.addDriver(driver);
    }

    @AfterEach
    void stop() throws Exception {
        if (check != null) {
            check.close();
        }
        if (updater != null) {
            updater.close();
        }
        supervisor.close();
        felix.stop();
        felix.waitForStop(10_000);
    }

    @Test
    void theTriedSlotIsMarkedGoodOnceTheUserlandAndItsServicesAreUpAndItsCounterIsCommitted() throws Exception {
        installVersion2IntoB();
        assertEquals("B", device.boot(), "the boot script tries the new slot");
        assertEquals("2", device.printenv().get("BOOT_B_LEFT"));
        updater = device.updater(device.settings("B", "2.0", Duration.ofSeconds(20), List.of("notes")));
        check = new HealthCheck(updater, conditions(List.of("notes")), Duration.ofSeconds(20), Duration.ofMillis(20));

        check.start();
        assertEquals(HealthCheckState.WAITING, check.state());
        ServiceRegistration<?> registration = felix.getBundleContext().registerService(
                new String[] {Supervisor.class.getName()}, supervisor, null);
        supervisor.deploy(ServiceSpec.of("notes", "injvm", "notes"));
        await(() -> check.state() == HealthCheckState.PASSED, "the health check passes");

        assertEquals("3", device.printenv().get("BOOT_B_LEFT"), "slot B marked good, as fw_printenv reads it");
        assertEquals("B A", device.printenv().get("BOOT_ORDER"));
        UpdateRecord record = new UpdateRecordFile(device.record).read();
        assertEquals(7, record.installedCounter(), "the update's counter is the installed one now");
        assertTrue(record.pending().isEmpty());
        assertTrue(device.events.stream().anyMatch(e -> e.startsWith(UpdaterEvents.MARKED_GOOD)), device.events.toString());
        assertEquals(0, device.reboot.requests.get(), "no reboot after a passed check");
        registration.unregister();
    }

    @Test
    void aFailedHealthCheckMarksTheTriedSlotBadRebootsAndTheOldSlotReportsTheRollback() throws Exception {
        installVersion2IntoB();
        assertEquals("B", device.boot());
        // B runs its own firmware, whose counter (7, as the bundle's) must not become the floor unless B proves itself.
        updater = device.updater(device.settings("B", "2.0", 7, true, Duration.ofMillis(300), List.of("notes", "contacts")));
        check = new HealthCheck(updater, conditions(List.of("notes", "contacts")), Duration.ofMillis(300),
                Duration.ofMillis(20));
        felix.getBundleContext().registerService(new String[] {Supervisor.class.getName()}, supervisor, null);
        supervisor.deploy(ServiceSpec.of("notes", "injvm", "notes"));

        check.start();
        assertTrue(device.reboot.first.await(10, TimeUnit.SECONDS), "the reboot action was asked");
        assertEquals(HealthCheckState.FAILED, check.state());
        assertEquals("A", device.printenv().get("BOOT_ORDER"), "slot B is out of the order: the next boot falls back");
        String failure = updater.status().lastResult();
        assertTrue(failure.contains("supervisor service 'contacts': not registered"), failure);
        assertTrue(device.events.stream().anyMatch(e -> e.startsWith(UpdaterEvents.HEALTH_FAILED)), device.events.toString());
        check.close();
        updater.close();

        assertEquals("A", device.boot(), "the bootloader falls back to slot A");
        updater = device.updater("A", "1.0");
        UpdaterStatus status = updater.status();
        assertTrue(status.lastResult().startsWith("rolled back: slot B (version 2.0) did not become healthy"),
                status.lastResult());
        assertEquals("", status.pendingSlot());
        assertEquals(0, updater.record().installedCounter(), "the failed update's counter is not committed");
        assertTrue(device.events.stream().anyMatch(e -> e.startsWith(UpdaterEvents.ROLLED_BACK)), device.events.toString());
    }

    @Test
    void anUpdateThatNeverBootsIsReportedMarkedBadAndStaysReportedOnceTheOldSlotIsGood() throws Exception {
        installVersion2IntoB();
        assertEquals("B", device.boot());
        assertEquals("B", device.boot());
        assertEquals("B", device.boot(), "three attempts at B, none reaching the userland");
        assertEquals("A", device.boot(), "the bootloader falls back to slot A");

        updater = device.updater("A", "1.0");
        assertEquals("A", device.printenv().get("BOOT_ORDER"),
                "B is out of the order: were A's attempts to run out, B would not get fresh ones first");
        assertTrue(device.events.stream().anyMatch(e -> e.startsWith(UpdaterEvents.ROLLED_BACK)), device.events.toString());
        String marked = updater.markGood();
        assertTrue(marked.startsWith("rolled back: slot B (version 2.0) did not become healthy and is marked bad"), marked);
        assertTrue(marked.endsWith("; slot A marked good"), marked);
        assertEquals(marked, updater.status().lastResult(), "the rollback stays in the last result");
        assertEquals(marked, updater.markGood(), "marking good again changes nothing, until something else happens");
    }

    @Test
    void aSlotThatIsAlreadyGoodIsNotChecked() throws Exception {
        updater = device.updater("A", "1.0");
        check = new HealthCheck(updater, conditions(List.of("contacts")), Duration.ofMillis(100), Duration.ofMillis(20));
        check.start();
        assertEquals(HealthCheckState.NOT_NEEDED, check.state());
        assertEquals(0, device.reboot.requests.get());
    }

    @Test
    void aRestartedUserlandInTheSameBootDoesNotTakeAPendingInstallForARollback() throws Exception {
        installVersion2IntoB();
        updater.close();
        updater = device.updater("A", "1.0");
        assertEquals(UpdaterState.INSTALLED, updater.state(), "the reboot into B is still due");
        assertEquals("B", updater.status().pendingSlot());
    }

    private List<HealthCondition> conditions(List<String> services) {
        BundleContext context = felix.getBundleContext();
        List<HealthCondition> c = new java.util.ArrayList<>();
        c.add(new ServiceFilterCondition(context, "(objectClass=" + Supervisor.class.getName() + ")"));
        for (String s : services) {
            c.add(new SupervisorServiceCondition(() -> Optional.ofNullable(
                    context.getServiceReference(Supervisor.class.getName())).map(r -> (Supervisor) context.getService(r)), s));
        }
        return c;
    }

    private void installVersion2IntoB() throws IOException, InterruptedException, java.util.concurrent.ExecutionException,
            java.util.concurrent.TimeoutException {
        Path bundle = dir.resolve("update.hup");
        Files.write(bundle, device.bundle(FileDevice.image(2, FileDevice.SLOT_SIZE), "2.0", 7));
        updater = device.updater(device.settings("A", "1.0", 0, false, Duration.ofSeconds(1), List.of()));
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
        String result = outcome.get(20, TimeUnit.SECONDS);
        assertTrue(result.startsWith("INSTALLED"), result);
    }

    private static void await(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
