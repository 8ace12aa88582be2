package dev.hearth.rig.scenario;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Collects the results of one run of the suite and prints one line per scenario test as it ends.
 */
final class ScenarioListener implements TestExecutionListener {

    private final int run;
    private final Path reportRoot;
    private final PrintWriter out;
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final List<ScenarioResult> results = new ArrayList<>();
    private TestPlan plan;

    ScenarioListener(int run, Path reportRoot, PrintWriter out) {
        this.run = run;
        this.reportRoot = reportRoot;
        this.out = out;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        started.put(id.getUniqueId(), System.nanoTime());
        if (id.isTest()) {
            out.printf(Locale.ROOT, "rig: run %d: %s: %s ...%n", run, scenario(id), id.getDisplayName());
            out.flush();
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        Duration took = Duration.ofNanos(System.nanoTime() - started.getOrDefault(id.getUniqueId(), System.nanoTime()));
        boolean passed = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
        Optional<String> failure = result.getThrowable().map(ScenarioListener::render);
        if (id.isTest()) {
            MethodSource m = id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast).orElseThrow();
            synchronized (results) {
                results.add(new ScenarioResult(run, scenario(id), m.getMethodName(), passed, took, failure,
                        reportRoot.resolve(m.getClassName()).resolve(m.getMethodName())));
            }
            out.printf(Locale.ROOT, "rig: run %d: %s: %s %s in %.0f s%s%n", run, scenario(id), id.getDisplayName(),
                    passed ? "PASSED" : "FAILED", took.toMillis() / 1000.0,
                    failure.map(f -> "\n    " + f.lines().findFirst().orElse("")).orElse(""));
            out.flush();
        } else if (!passed && id.getSource().isPresent()) {
            // A scenario class that could not start (no image, no broker): its tests never ran.
            synchronized (results) {
                results.add(new ScenarioResult(run, id.getDisplayName(), "(set-up)", false, took, failure, reportRoot));
            }
            out.printf(Locale.ROOT, "rig: run %d: %s could not start: %s%n", run, id.getDisplayName(),
                    failure.map(f -> f.lines().findFirst().orElse("")).orElse("?"));
            out.flush();
        }
    }

    private String scenario(TestIdentifier id) {
        return plan.getParent(id).map(TestIdentifier::getDisplayName).orElse(id.getDisplayName());
    }

    private static String render(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    List<ScenarioResult> results() {
        synchronized (results) {
            return List.copyOf(results);
        }
    }
}
