package dev.hearth.rig.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class RigTestCommandTest {

    private final PrintWriter out = new PrintWriter(new StringWriter());

    @Test
    void badOptionsAreRefusedNamingThemBeforeAnythingRuns() {
        assertEquals("unknown option '--bogus'", refused("--bogus"));
        assertEquals("--scenario must be 1..6, was 7", refused("--scenario", "7"));
        assertEquals("--repeat needs a number, was 'many'", refused("--repeat", "many"));
        assertEquals("--rig needs a value", refused("--rig"));
        assertEquals("--cuts must be 1..10000, was 0", refused("--cuts", "0"));
    }

    @Test
    void theSuiteHasTheSixScenariosInTheirOrder() {
        assertEquals(6, RigTestCommand.SCENARIOS.size());
        assertTrue(RigTestCommand.SCENARIOS.get(4).getSimpleName().startsWith("PowerCutDuringUpdate"));
    }

    @Test
    void theReportEscapesWhatTheConsoleSaid() {
        assertEquals("&lt;b&gt; &amp; &quot;x&quot;  ", HtmlReport.escape("<b> & \"x\" \u0007"));
    }

    private String refused(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> RigTestCommand.run(args, out)).getMessage();
    }
}
