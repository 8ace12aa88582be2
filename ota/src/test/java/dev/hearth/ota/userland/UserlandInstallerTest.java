package dev.hearth.ota.userland;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.ota.Refusal;
import dev.hearth.ota.UpdatePolicy;
import dev.hearth.ota.cli.OtaCommand;
import dev.hearth.ota.install.InstallProgress;
import dev.hearth.ota.install.Installer;
import dev.hearth.ota.install.UpdateSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserlandInstallerTest {

    @TempDir
    Path dir;
    UserlandSets sets;
    UserlandStore store;
    UserlandInstaller installer;

    @BeforeEach
    void setUp() {
        sets = new UserlandSets(dir);
        store = new UserlandStore(dir.resolve("userland"));
        installer = new UserlandInstaller(sets.keyring(), store, Installer.Settings.defaults());
    }

    private UserlandInstallResult install(byte[] bundle) throws IOException {
        UpdateSource source = () -> new ByteArrayInputStream(bundle);
        return installer.install(source, UpdatePolicy.of(UserlandSets.BOARD, 0), InstallProgress.NONE);
    }

    private UserlandInstallResult installTar(String version, byte[] tar) throws IOException {
        return install(sets.bundle(version, 1, tar));
    }

    /** Installs and confirms a first set, 1.0, made of a.jar and b.jar. */
    private Map<String, byte[]> confirmedFirstSet() throws Exception {
        Map<String, byte[]> jars = UserlandSets.jars(1, "a.jar", "b.jar");
        assertInstanceOf(UserlandInstallResult.Installed.class,
                installTar("1.0", Files.readAllBytes(sets.tar("one", jars))));
        store.confirm();
        return jars;
    }

    private void assertSet(String version, Map<String, byte[]> jars) throws IOException {
        Path set = store.directory(version);
        try (Stream<Path> files = Files.list(set)) {
            assertEquals(jars.keySet().stream().sorted().toList(),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (Map.Entry<String, byte[]> e : jars.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(set.resolve(e.getKey())), e.getKey());
        }
    }

    /** After a failure: 1.0 is still current and confirmed, whole, and nothing was left behind. */
    private void assertUntouched(Map<String, byte[]> first) throws IOException {
        UserlandState s = store.state();
        assertEquals(Optional.of("1.0"), s.current());
        assertEquals(Optional.of("1.0"), s.confirmed());
        assertSet("1.0", first);
        try (Stream<Path> entries = Files.list(store.root())) {
            assertEquals(List.of("1.0", "confirmed", "current"),
                    entries.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aTarOfJarsMadeByTarBecomesTheCurrentSetInItsVersionDirectory() throws Exception {
        Map<String, byte[]> jars = UserlandSets.jars(7, "org.example.one-1.0.jar", "two.jar", "three_3+x.jar");
        UserlandInstallResult r = installTar("1.0", Files.readAllBytes(sets.tar("one", jars)));

        UserlandInstallResult.Installed ok = assertInstanceOf(UserlandInstallResult.Installed.class, r);
        assertEquals("1.0", ok.version());
        assertSet("1.0", jars);
        UserlandState s = store.state();
        assertEquals(Optional.of("1.0"), s.current());
        assertEquals(Optional.empty(), s.previous(), "the distribution's bundles are what a rollback returns to");
        assertTrue(s.currentUnconfirmed());
        assertEquals(Path.of("1.0"), Files.readSymbolicLink(store.root().resolve("current")));
        assertFalse(Files.exists(store.root().resolve(".incoming")));
    }

    @Test
    void aSecondSetKeepsTheConfirmedFirstAsPreviousAndARollbackReturnsToIt() throws Exception {
        Map<String, byte[]> first = confirmedFirstSet();
        Map<String, byte[]> second = UserlandSets.jars(2, "a.jar", "c.jar");

        assertInstanceOf(UserlandInstallResult.Installed.class, installTar("2.0", Files.readAllBytes(sets.tar("two", second))));

        assertSet("2.0", second);
        assertSet("1.0", first);
        UserlandState s = store.state();
        assertEquals(Optional.of("2.0"), s.current());
        assertEquals(Optional.of("1.0"), s.previous());
        assertEquals(Optional.of("1.0"), s.confirmed());

        UserlandState after = store.rollback();
        assertEquals(Optional.of("1.0"), after.current());
        assertEquals(Optional.empty(), after.previous());
        assertFalse(Files.exists(store.root().resolve("2.0")), "the failed set is deleted");
        assertUntouched(first);
    }

    @Test
    void entriesOutsideAFlatFolderOfRegularJarsAreRefusedWithTheirReasonAndLeaveCurrentAlone() throws Exception {
        Map<String, byte[]> first = confirmedFirstSet();
        byte[] jar = {1, 2, 3};
        Map<TarArchive, String> evil = new java.util.LinkedHashMap<>();
        evil.put(new TarArchive().file("ok.jar", jar).file("../evil.jar", jar), "'../evil.jar' leaves the directory");
        evil.put(new TarArchive().file("./../../evil.jar", jar), "leaves the directory");
        evil.put(new TarArchive().file("/tmp/evil.jar", jar), "'/tmp/evil.jar' is an absolute name");
        evil.put(new TarArchive().entry("link.jar", '2', "/etc/passwd", new byte[0]), "'link.jar' is a symbolic link");
        evil.put(new TarArchive().file("a.jar", jar).entry("b.jar", '1', "a.jar", new byte[0]), "'b.jar' is a hard link");
        evil.put(new TarArchive().entry("dev.jar", '3', "", new byte[0]), "special file");
        evil.put(new TarArchive().entry("lib/", '5', "", new byte[0]), "'lib/' is a directory");
        evil.put(new TarArchive().file("lib/x.jar", jar), "'lib/x.jar' is in a subdirectory");
        evil.put(new TarArchive().file("notes.txt", jar), "'notes.txt' is not a *.jar file");
        evil.put(new TarArchive().file("a.jar", jar).file("a.jar", jar), "'a.jar' appears twice");
        evil.put(new TarArchive().entry("PaxHeaders/x", 'x', "", "30 path=../../evil.jar\n".getBytes()), "pax");
        evil.put(new TarArchive(), "holds no *.jar file");
        int n = 0;
        for (Map.Entry<TarArchive, String> e : evil.entrySet()) {
            UserlandInstallResult r = installTar("2." + n++, e.getKey().bytes());
            UserlandInstallResult.Failed failed = assertInstanceOf(UserlandInstallResult.Failed.class, r, e.getValue());
            assertTrue(failed.detail().contains(e.getValue()), failed.detail());
            assertUntouched(first);
        }
        assertFalse(Files.exists(dir.resolve("evil.jar")));
        assertFalse(Files.exists(Path.of("/tmp/evil.jar")));
    }

    @Test
    void aTarThatEndsMidwayFailsAndLeavesCurrentAlone() throws Exception {
        Map<String, byte[]> first = confirmedFirstSet();
        byte[] tar = Files.readAllBytes(sets.tar("two", UserlandSets.jars(3, "a.jar", "b.jar", "c.jar")));
        byte[] half = Arrays.copyOf(tar, tar.length / 2);

        UserlandInstallResult r = installTar("2.0", half);

        UserlandInstallResult.Failed failed = assertInstanceOf(UserlandInstallResult.Failed.class, r);
        assertTrue(failed.detail().contains("the archive ends early"), failed.detail());
        assertUntouched(first);
    }

    @Test
    void anUpdateBundleCutOffInThePayloadFailsAndLeavesCurrentAlone() throws Exception {
        Map<String, byte[]> first = confirmedFirstSet();
        byte[] tar = Files.readAllBytes(sets.tar("two", UserlandSets.jars(4, "a.jar", "b.jar", "c.jar")));
        byte[] bundle = sets.bundle("2.0", 2, tar);

        UserlandInstallResult r = install(Arrays.copyOf(bundle, bundle.length - tar.length / 2));

        UserlandInstallResult.Failed failed = assertInstanceOf(UserlandInstallResult.Failed.class, r);
        assertTrue(failed.detail().contains("truncated in payload 'userland'"), failed.detail());
        assertUntouched(first);
    }

    @Test
    void aFlippedPayloadByteIsCaughtByItsBlockHashAndLeavesCurrentAlone() throws Exception {
        Map<String, byte[]> first = confirmedFirstSet();
        byte[] tar = Files.readAllBytes(sets.tar("two", UserlandSets.jars(5, "a.jar", "b.jar", "c.jar")));
        byte[] bundle = sets.bundle("2.0", 2, tar);
        bundle[bundle.length - tar.length + 20_000] ^= 0x40;

        UserlandInstallResult r = install(bundle);

        UserlandInstallResult.Failed failed = assertInstanceOf(UserlandInstallResult.Failed.class, r);
        assertTrue(failed.detail().contains("does not match the manifest"), failed.detail());
        assertUntouched(first);
    }

    @Test
    void aWriteErrorOfTheFileSystemFailsTheInstallAndLeavesCurrentAlone() throws Exception {
        Map<String, byte[]> first = confirmedFirstSet();
        byte[] big = new byte[512 * 1024];
        new java.util.Random(6).nextBytes(big);
        Path bundle = sets.bundleFile("2.0", 2, Files.readAllBytes(sets.tar("two", Map.of("big.jar", big))));
        Files.write(dir.resolve("keyring.pem"), sets.keyring().toPem());

        // A JVM whose files may not grow beyond 128 KiB (ulimit -f 256, in 512-byte blocks): the kernel
        // refuses the write with EFBIG, as it refuses one on a full disk with ENOSPC.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "ulimit -f 256 && exec \"$0\" \"$@\"", java,
                "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"), InstallMain.class.getName(),
                store.root().toString(), bundle.toString(), dir.resolve("keyring.pem").toString(), UserlandSets.BOARD)
                .redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the install process ended");

        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("failed, current userland untouched"), output);
        assertTrue(output.contains("File too large"), output);
        assertUntouched(first);
    }

    @Test
    void aBundleForAnotherBoardIsRefusedBeforeAnythingIsWritten() throws Exception {
        Map<String, byte[]> first = confirmedFirstSet();
        byte[] bundle = sets.bundle("2.0", 2, Files.readAllBytes(sets.tar("two", UserlandSets.jars(8, "a.jar"))));

        UserlandInstallResult r = installer.install(() -> new ByteArrayInputStream(bundle),
                UpdatePolicy.of("other-board", 0), InstallProgress.NONE);

        assertEquals(Refusal.WRONG_BOARD, assertInstanceOf(UserlandInstallResult.Refused.class, r).reason());
        assertUntouched(first);
    }

    @Test
    void aVersionTheStoreHoldsAlreadyIsRefusedAndCurrentStays() throws Exception {
        Map<String, byte[]> first = confirmedFirstSet();

        UserlandInstallResult r = installTar("1.0", Files.readAllBytes(sets.tar("again", UserlandSets.jars(9, "x.jar"))));

        UserlandInstallResult.Refused refused = assertInstanceOf(UserlandInstallResult.Refused.class, r);
        assertTrue(refused.detail().contains("already in the store"), refused.detail());
        assertUntouched(first);
    }

    @Test
    void hearthOtaCreateBuildsAUserlandBundleFromATarOfJars() throws Exception {
        Map<String, byte[]> jars = UserlandSets.jars(10, "a.jar", "b.jar");
        Path tar = sets.tar("cli", jars);
        Path hup = dir.resolve("cli.hup");

        int status = OtaCommand.commandLine().execute("create", "--board", UserlandSets.BOARD, "--version", "3.0",
                "--counter", "3", "--payload", "userland:userland:" + tar, "-o", hup.toString());
        assertEquals(0, status);
        byte[] signed = sets.sign(Files.readAllBytes(hup));

        assertInstanceOf(UserlandInstallResult.Installed.class, install(signed));
        assertSet("3.0", jars);
    }
}
