package dev.hearth.ota.userland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserlandStoreTest {

    @TempDir
    Path dir;

    /** A set staged as an install stages it, then adopted. */
    private static void install(UserlandStore store, String version, String jar) throws IOException {
        Path staging = store.prepareStaging();
        Files.writeString(staging.resolve(jar), version);
        store.adopt(staging, version);
    }

    private static List<String> entries(UserlandStore store) throws IOException {
        try (Stream<Path> s = Files.list(store.root())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anEmptyStoreMeansTheDistributionsBundles() throws IOException {
        UserlandStore store = new UserlandStore(dir.resolve("userland"));

        UserlandState s = store.state();

        assertEquals(Optional.empty(), s.current());
        assertEquals(Optional.empty(), store.currentDirectory());
        assertFalse(s.currentUnconfirmed());
        assertThrows(IllegalStateException.class, store::rollback);
    }

    @Test
    void onlyAConfirmedCurrentBecomesPrevious() throws IOException {
        UserlandStore store = new UserlandStore(dir);
        install(store, "1", "a.jar");
        install(store, "2", "a.jar"); // 1 was never confirmed: previous stays the distribution's

        assertEquals(Optional.empty(), store.state().previous());
        assertEquals(List.of("2", "current"), entries(store), "the unconfirmed set 1 is deleted");

        store.confirm();
        install(store, "3", "a.jar");

        UserlandState s = store.state();
        assertEquals(Optional.of("3"), s.current());
        assertEquals(Optional.of("2"), s.previous());
        assertEquals(Optional.of("2"), s.confirmed());
        assertEquals(dir.resolve("3"), store.currentDirectory().orElseThrow());
        assertEquals("3", Files.readString(dir.resolve("current").resolve("a.jar")));
    }

    @Test
    void aRollbackWithoutPreviousReturnsToTheDistributionsBundles() throws IOException {
        UserlandStore store = new UserlandStore(dir);
        install(store, "1", "a.jar");

        UserlandState after = store.rollback();

        assertEquals(Optional.empty(), after.current());
        assertEquals(List.of(), entries(store));
    }

    @Test
    void aTriedUnconfirmedCurrentIsSeenAsTriedBeforeUntilConfirmed() throws IOException {
        UserlandStore store = new UserlandStore(dir);
        install(store, "1", "a.jar");
        assertFalse(store.state().currentTriedBefore());

        store.markTried();
        assertTrue(store.state().currentTriedBefore());

        store.confirm();
        assertFalse(store.state().currentTriedBefore());
        assertFalse(store.state().currentUnconfirmed());
        assertFalse(Files.exists(dir.resolve("tried"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void whatAnInterruptedInstallOrSwitchLeftIsCleanedAndCurrentStays() throws IOException {
        UserlandStore store = new UserlandStore(dir);
        install(store, "1", "a.jar");
        store.confirm();
        // A power cut while unpacking, right after a rename into place, and between link and rename.
        Files.writeString(Files.createDirectories(dir.resolve(".incoming")).resolve("half.jar"), "half");
        Files.writeString(Files.createDirectories(dir.resolve("2")).resolve("b.jar"), "2");
        Files.createSymbolicLink(dir.resolve("current.new"), Path.of("2"));

        assertEquals(Optional.of("1"), store.state().current());
        store.clean();

        assertEquals(List.of("1", "confirmed", "current"), entries(store));
        assertEquals("1", Files.readString(dir.resolve("current").resolve("a.jar")));
    }

    @Test
    void versionsThatCannotNameASetAreRefused() {
        for (String bad : List.of("", "..", ".hidden", "a/b", "/abs", "current", "previous.new", "tried", "x y")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> UserlandStore.requireVersion(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertEquals("1.4.0-rc.1+b7", UserlandStore.requireVersion("1.4.0-rc.1+b7"));
    }

    @Test
    void aLinkPointingAtNoSetIsABrokenStore() throws IOException {
        Files.createSymbolicLink(dir.resolve("current"), Path.of("../../etc"));

        IOException e = assertThrows(IOException.class, () -> new UserlandStore(dir).state());

        assertTrue(e.getMessage().contains("which is no set"), e.getMessage());
    }
}
