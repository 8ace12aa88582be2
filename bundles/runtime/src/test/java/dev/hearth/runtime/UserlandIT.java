package dev.hearth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.ota.CertificateAuthority;
import dev.hearth.ota.Manifest;
import dev.hearth.ota.ManifestSigner;
import dev.hearth.ota.SigningKey;
import dev.hearth.ota.UpdateBundleWriter;
import dev.hearth.ota.UpdatePolicy;
import dev.hearth.ota.install.InstallProgress;
import dev.hearth.ota.install.Installer;
import dev.hearth.ota.userland.UserlandInstallResult;
import dev.hearth.ota.userland.UserlandInstaller;
import dev.hearth.ota.userland.UserlandState;
import dev.hearth.ota.userland.UserlandStore;
import dev.hearth.updater.UpdateRecord;
import dev.hearth.updater.UpdateRecordFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The distribution started with {@code --userland}: sets installed by the userland installer from
 * signed update bundles (tars made by the real tar), started from {@code current}, and rolled back
 * to {@code previous} in the same process when an unconfirmed set fails to start.
 */
class UserlandIT {

    private static final String BOARD = "test-board";
    private static final CertificateAuthority CA = CertificateAuthority.root("Userland IT CA");
    private static final SigningKey SIGNER = CA.signer("Userland IT Signer");

    /** The distribution's bundles plus {@code extra} jars, tarred, signed and installed as {@code version}. */
    private static void install(UserlandStore store, Path work, String version, Jar... extra) throws Exception {
        install(store, work, version, "", extra);
    }

    /** As {@link #install(UserlandStore, Path, String, Jar...)}, leaving out the jars whose name starts with {@code without}. */
    private static void install(UserlandStore store, Path work, String version, String without, Jar... extra)
            throws Exception {
        Path folder = Files.createDirectories(work.resolve("set-" + version));
        try (Stream<Path> jars = Files.list(DistributionProcess.built().resolve("bundles"))) {
            for (Path jar : jars.toList()) {
                if (without.isEmpty() || !jar.getFileName().toString().startsWith(without)) {
                    Files.copy(jar, folder.resolve(jar.getFileName()));
                }
            }
        }
        for (Jar jar : extra) {
            jar.write(folder);
        }
        Path tar = work.resolve("set-" + version + ".tar");
        Process p = new ProcessBuilder("tar", "-C", folder.toString(), "-cf", tar.toString(), ".")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);

        Manifest m = Manifest.of(BOARD, version, 1, List.of(UpdateBundleWriter.describe("userland",
                UserlandInstaller.SLOT_CLASS, tar, 4096)));
        byte[] json = m.toJson();
        ByteArrayOutputStream bundle = new ByteArrayOutputStream();
        UpdateBundleWriter.write(bundle, json, ManifestSigner.sign(json, SIGNER, Instant.now()), List.of(tar));
        UserlandInstallResult r = new UserlandInstaller(CA.keyring(), store, Installer.Settings.defaults())
                .install(() -> new ByteArrayInputStream(bundle.toByteArray()), UpdatePolicy.of(BOARD, 0),
                        InstallProgress.NONE);
        assertInstanceOf(UserlandInstallResult.Installed.class, r, r.toString());
    }

    /** A bundle made of a manifest only. */
    private record Jar(String file, String... headers) {
        void write(Path folder) throws IOException {
            java.util.jar.Manifest manifest = new java.util.jar.Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
            for (int i = 0; i < headers.length; i += 2) {
                manifest.getMainAttributes().putValue(headers[i], headers[i + 1]);
            }
            try (OutputStream out = Files.newOutputStream(folder.resolve(file));
                 JarOutputStream ignored = new JarOutputStream(out, manifest)) {
                // A manifest and nothing else.
            }
        }
    }

    private static final Jar MARKER = new Jar("marker.jar", "Bundle-SymbolicName", "test.marker",
            "Bundle-Version", "1.0.0");
    private static final Jar BROKEN = new Jar("broken.jar", "Bundle-SymbolicName", "broken.bundle",
            "Bundle-Version", "1.0.0", "Import-Package", "dev.hearth.missing");

    private static int bundleCount() throws IOException {
        try (Stream<Path> jars = Files.list(DistributionProcess.built().resolve("bundles"))) {
            return (int) jars.count();
        }
    }

    private static DistributionProcess start(Path work, String name, UserlandStore store) throws IOException {
        return DistributionProcess.start(DistributionProcess.built(), work.resolve(name + ".log"), "run",
                "--state", work.resolve("state").toString(), "--userland", store.root().toString(),
                "--gateway-port", Integer.toString(DistributionProcess.freePort()),
                "--admin-port", Integer.toString(DistributionProcess.freePort()));
    }

    private static void awaitRunning(DistributionProcess hearth, int bundles) throws InterruptedException {
        hearth.await(bundles + " bundles running", DistributionProcess.START_DEADLINE,
                () -> hearth.output().contains("Userland running: " + bundles + " bundles active"));
    }

    @Test
    void aNewSetStartsFromCurrentAndAnUnconfirmedSetThatFailsIsRolledBackToItInTheSameRun() throws Exception {
        Path work = DistributionProcess.workFolder("userland-rollback");
        UserlandStore store = new UserlandStore(work.resolve("userland"));
        int distribution = bundleCount();

        install(store, work, "2", MARKER);
        try (DistributionProcess hearth = start(work, "first", store)) {
            awaitRunning(hearth, distribution + 1);
            assertTrue(hearth.output().contains("with userland 2 (not confirmed yet)"), hearth.output());
            UserlandState s = store.state();
            assertEquals(Optional.of("2"), s.current());
            assertEquals(Optional.of("2"), s.tried(), "a start without a confirmation is recorded");
            store.confirm(); // what the updater's health check does once the set is healthy
            assertEquals(0, hearth.terminate(), hearth.output());
        }

        install(store, work, "3", MARKER, BROKEN);
        assertEquals(Optional.of("2"), store.state().previous());
        try (DistributionProcess hearth = start(work, "second", store)) {
            awaitRunning(hearth, distribution + 1);
            String output = hearth.output();
            assertTrue(output.contains("Userland 3 failed to start, rolled back to 2: bundle broken.bundle 1.0.0 "
                    + "(broken.jar) cannot start"), output);
            assertTrue(output.contains("dev.hearth.missing"), output);
            UserlandState s = store.state();
            assertEquals(Optional.of("2"), s.current());
            assertEquals(Optional.of("2"), s.confirmed());
            assertFalse(Files.exists(store.root().resolve("3")), "the failed set is deleted");
            assertTrue(hearth.alive());
            assertEquals(0, hearth.terminate(), hearth.output());
        }
    }

    @Test
    void anUnconfirmedSetAlreadyStartedOnceIsRolledBackAtTheNextStart() throws Exception {
        Path work = DistributionProcess.workFolder("userland-tried");
        UserlandStore store = new UserlandStore(work.resolve("userland"));
        int distribution = bundleCount();
        install(store, work, "2", MARKER);
        store.confirm();
        install(store, work, "4");
        store.markTried(); // a launcher started 4, and the process ended before its health check passed

        try (DistributionProcess hearth = start(work, "tried", store)) {
            awaitRunning(hearth, distribution + 1);
            assertTrue(hearth.output().contains("Userland 4 was started before and never confirmed: rolled back to 2"),
                    hearth.output());
            assertEquals(Optional.of("2"), store.state().current());
            assertEquals(0, hearth.terminate(), hearth.output());
        }
    }

    /** What the updater wrote after installing {@code version}: a pending userland update. */
    private static void pending(Path record, String version, long counter) throws IOException {
        UpdateRecordFile file = new UpdateRecordFile(record);
        file.write(file.read().withPending(new UpdateRecord.Pending("A", version, counter, "an earlier boot",
                UpdateRecord.Kind.USERLAND), "installed userland " + version));
    }

    /**
     * The updater configured on file-backed slots; healthy means a service handler factory (the notes
     * bundle's) is registered and the notes service is ready, within 8 s.
     */
    private static Path updaterEtc(Path work) throws IOException {
        Path etc = Files.createDirectories(work.resolve("etc"));
        Files.write(work.resolve("keyring.pem"), CA.keyring().toPem());
        Files.write(work.resolve("uboot.env"), new byte[0x4000]);
        Files.write(work.resolve("uboot-redund.env"), new byte[0x4000]);
        Files.writeString(work.resolve("boot_id"), "this boot\n");
        Files.writeString(etc.resolve("dev.hearth.updater.cfg"), String.join("\n",
                "board=" + BOARD,
                "slots=rootfs.0:rootfs:" + work.resolve("a.img") + ":A,rootfs.1:rootfs:" + work.resolve("b.img") + ":B",
                "keyringFile=" + work.resolve("keyring.pem"),
                "environmentFiles=" + work.resolve("uboot.env") + "," + work.resolve("uboot-redund.env"),
                "bootedSlot=A",
                "bootIdFile=" + work.resolve("boot_id"),
                "recordFile=" + work.resolve("record.json"),
                "healthDeadlineSeconds=8",
                "healthPollMillis=50",
                "healthRequiredFilters=(objectClass=dev.hearth.service.ServiceHandlerFactory)",
                "healthRequiredServices=notes",
                ""));
        return etc;
    }

    private static DistributionProcess demo(Path work, String name, UserlandStore store, Path etc, int adminPort)
            throws IOException {
        return DistributionProcess.start(DistributionProcess.built(), work.resolve(name + ".log"), "demo",
                "--state", work.resolve("state").toString(), "--userland", store.root().toString(),
                "--etc", etc.toString(), "--gateway-port", Integer.toString(DistributionProcess.freePort()),
                "--admin-port", Integer.toString(adminPort),
                "--broker-port", Integer.toString(DistributionProcess.freePort()));
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void theUpdaterConfirmsAHealthySetAndRollsBackAnUnhealthyOneRestartingTheUserlandOnThePreviousSet()
            throws Exception {
        Path work = DistributionProcess.workFolder("userland-updater");
        UserlandStore store = new UserlandStore(work.resolve("userland"));
        Path etc = updaterEtc(work);
        Path record = work.resolve("record.json");

        install(store, work, "2", MARKER);
        pending(record, "2", 2);
        int adminPort = DistributionProcess.freePort();
        try (DistributionProcess hearth = demo(work, "healthy", store, etc, adminPort)) {
            hearth.await("set 2 confirmed by the health check", DistributionProcess.START_DEADLINE, () -> {
                try {
                    return store.state().confirmed().equals(Optional.of("2"))
                            && new UpdateRecordFile(record).read().pending().isEmpty();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            UpdateRecord r = new UpdateRecordFile(record).read();
            assertEquals(2, r.installedCounter(), "the set's counter is committed");
            assertTrue(r.lastResult().startsWith("userland 2 confirmed"), r.lastResult());
            assertEquals(0, hearth.terminate(), hearth.output());
        }

        // 3 lacks the notes bundle: it starts, but no service handler factory is ever registered.
        install(store, work, "3", "hearth-service-notes", MARKER);
        pending(record, "3", 3);
        try (DistributionProcess hearth = demo(work, "unhealthy", store, etc, adminPort)) {
            hearth.await("the userland restarted on set 2", DistributionProcess.START_DEADLINE,
                    () -> hearth.output().contains("with userland 2")
                            && count(hearth.output(), "Userland running") == 2);
            String output = hearth.output();
            assertTrue(output.contains("with userland 3 (not confirmed yet)"), output);
            assertTrue(output.contains("health check failed on userland 3"), output);
            assertTrue(output.contains("The framework stopped by itself: restarting the userland"), output);
            assertTrue(output.indexOf("with userland 2") > output.indexOf("health check failed on userland 3"), output);
            UserlandState s = store.state();
            assertEquals(Optional.of("2"), s.current());
            assertEquals(Optional.of("2"), s.confirmed());
            assertFalse(Files.exists(store.root().resolve("3")), "the unhealthy set is deleted");
            UpdateRecord r = new UpdateRecordFile(record).read();
            assertTrue(r.pending().isEmpty());
            assertEquals(2, r.installedCounter(), "the unhealthy set's counter is not committed");
            assertTrue(r.lastResult().contains("rolled back to userland 2"), r.lastResult());
            hearth.awaitAdmin(adminPort);
            assertEquals("notes", hearth.service(adminPort, "notes").get("name"), "set 2 serves notes again");
            assertEquals(0, hearth.terminate(), hearth.output());
        }
    }

    @Test
    void withoutAnySetTheDistributionsBundlesStart() throws Exception {
        Path work = DistributionProcess.workFolder("userland-empty");
        UserlandStore store = new UserlandStore(work.resolve("userland"));

        try (DistributionProcess hearth = start(work, "empty", store)) {
            awaitRunning(hearth, bundleCount());
            assertFalse(hearth.output().contains("with userland"), hearth.output());
            assertEquals(0, hearth.terminate(), hearth.output());
        }
    }
}
