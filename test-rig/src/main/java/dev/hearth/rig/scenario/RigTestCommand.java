package dev.hearth.rig.scenario;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.reporting.legacy.xml.LegacyXmlReportGeneratingListener;

/**
 * {@code ./hearth rig test}: runs the scenario suite on a board of a rig (default: the virtual
 * board) and writes its report: JUnit XML per run and one HTML page.
 * <pre>
 * rig test [--rig FILE] [--board NAME] [--image FILE] [--scenario N]... [--repeat K] [--cuts N] [--report DIR]
 *          [--host-address ADDR --gateway URL --device-config DIR]
 * </pre>
 * Exit status: 0 when every scenario passed, 1 when one failed, 2 for a usage error.
 */
public final class RigTestCommand {

    static final List<Class<?>> SCENARIOS = List.of(FlashScenario.class, ServiceScenario.class, UpdateScenario.class,
            RollbackScenario.class, PowerCutDuringUpdateScenario.class, PowerCutWhileWritingScenario.class);

    private RigTestCommand() {
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        int code;
        try {
            code = run(args, out);
        } catch (IllegalArgumentException e) {
            out.println("rig test: " + e.getMessage());
            out.println("usage: rig test [--rig FILE] [--board NAME] [--image FILE] [--scenario N]... [--repeat K] [--cuts N] [--report DIR]\n"
                    + "       [--host-address ADDR --gateway URL --device-config DIR]   (a board on a real rig)");
            code = 2;
        } finally {
            Lab.closeShared();
        }
        System.exit(code);
    }

    static int run(String[] args, PrintWriter out) {
        TreeSet<Integer> scenarios = new TreeSet<>();
        int repeat = 1;
        Path report = Path.of("target/rig-report");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (a) {
                case "--rig" -> System.setProperty("hearth.rig", absolute(v, a));
                case "--board" -> System.setProperty("hearth.rig.board", value(v, a));
                case "--image" -> System.setProperty("hearth.rig.image", absolute(v, a));
                case "--host-address" -> System.setProperty("hearth.rig.hostAddress", value(v, a));
                case "--gateway" -> System.setProperty("hearth.rig.gateway", value(v, a));
                case "--device-config" -> System.setProperty("hearth.rig.deviceConfig", absolute(v, a));
                case "--cuts" -> System.setProperty("hearth.rig.cuts", Integer.toString(number(v, a, 1, 10_000)));
                case "--scenario" -> {
                    for (String n : value(v, a).split(",")) {
                        scenarios.add(number(n, a, 1, SCENARIOS.size()));
                    }
                }
                case "--repeat" -> repeat = number(v, a, 1, 1_000);
                case "--report" -> report = Path.of(value(v, a)).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
            i++;
        }
        if (scenarios.isEmpty()) {
            for (int n = 1; n <= SCENARIOS.size(); n++) {
                scenarios.add(n);
            }
        }
        System.setProperty("hearth.rig.work", report.resolve("work").toString());
        out.printf(Locale.ROOT, "rig: scenarios %s, %d run(s), report in %s%n", scenarios, repeat, report);

        long start = System.nanoTime();
        Launcher launcher = LauncherFactory.create();
        List<ScenarioResult> results = new ArrayList<>();
        for (int run = 1; run <= repeat; run++) {
            Path runFolder = report.resolve("run-" + run);
            System.setProperty("hearth.rig.report", runFolder.resolve("scenarios").toString());
            LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
            for (int n : scenarios) {
                request.selectors(selectClass(SCENARIOS.get(n - 1)));
            }
            LauncherDiscoveryRequest discovery = request.build();
            ScenarioListener listener = new ScenarioListener(run, runFolder.resolve("scenarios"), out);
            launcher.execute(discovery, listener,
                    new LegacyXmlReportGeneratingListener(runFolder.resolve("junit"), new PrintWriter(System.err, true)));
            results.addAll(listener.results());
        }
        Duration total = Duration.ofNanos(System.nanoTime() - start);
        Path html = HtmlReport.write(report.resolve("index.html"), "Hearth rig test", results, total);
        long failed = results.stream().filter(r -> !r.passed()).count();
        out.printf(Locale.ROOT, "rig: %d of %d passed in %.0f s; report %s, JUnit XML in %s/run-*/junit%n",
                results.size() - failed, results.size(), total.toMillis() / 1000.0, html, report);
        return failed == 0 && !results.isEmpty() ? 0 : 1;
    }

    private static String value(String v, String option) {
        if (v.isEmpty() || v.startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return v;
    }

    private static String absolute(String v, String option) {
        return Path.of(value(v, option)).toAbsolutePath().toString();
    }

    private static int number(String v, String option, int min, int max) {
        try {
            int n = Integer.parseInt(value(v, option).trim());
            if (n < min || n > max) {
                throw new IllegalArgumentException(option + " must be " + min + ".." + max + ", was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, was '" + v + "'");
        }
    }
}
