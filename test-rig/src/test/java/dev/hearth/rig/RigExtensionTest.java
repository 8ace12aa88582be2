package dev.hearth.rig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** A failing test on the virtual board, run through the JUnit Platform: its transcript and timings are attached. */
class RigExtensionTest {

    /** Fails on purpose after typing at U-Boot; run only by the test below (surefire skips nested classes). */
    @ExtendWith(RigExtension.class)
    @BoardIn(BoardState.BOOTLOADER)
    static class FailingAtTheBootloader {
        @Test
        void typesVersionThenFails(Console console) throws Exception {
            console.sendLine("version");
            console.expect("U-Boot 20", Duration.ofSeconds(30));
            throw new AssertionError("failing on purpose");
        }
    }

    @Test
    void aFailedTestGetsTheConsoleTranscriptTimingsAndTrafficAttached() throws Exception {
        Map<String, String> entries = new ConcurrentHashMap<>();
        Map<String, TestExecutionResult.Status> results = new ConcurrentHashMap<>();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(FailingAtTheBootloader.class))
                .build(), new TestExecutionListener() {
                    @Override
                    public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
                        entries.putAll(entry.getKeyValuePairs());
                    }

                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        if (id.isTest()) {
                            results.put(id.getDisplayName(), result.getStatus());
                        }
                    }
                });
        assertEquals(Map.of("typesVersionThenFails(Console)", TestExecutionResult.Status.FAILED), results);
        assertTrue(entries.get("rig.console.tail").contains("> version"), entries.toString());
        assertTrue(entries.get("rig.timings").contains("BOOTLOADER"), entries.toString());
        assertTrue(entries.get("rig.board").endsWith(" (BOOTLOADER)"), entries.get("rig.board"));
        assertEquals("(none)", entries.get("rig.mqtt"), "no hub used, no traffic");
        Path folder = Path.of(entries.get("rig.report"));
        assertTrue(folder.endsWith(Path.of("rig", FailingAtTheBootloader.class.getName(), "typesVersionThenFails")), folder.toString());
        String console = Files.readString(folder.resolve("console.txt"));
        assertTrue(console.contains("# power on") && console.contains("Hit any key") && console.contains("> version"), console);
        assertTrue(Files.readString(folder.resolve("timings.txt")).contains("power on"));
    }
}
