package dev.hearth.rig.scenario;

import dev.hearth.rig.RigExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scenario's steps with the time each was reached since the scenario began: what the report's
 * timeline shows beside the boot milestones. A JUnit extension too: it gives a test its timeline
 * and writes it to {@code steps.txt} in the test's report folder.
 */
public final class Timeline implements ParameterResolver, BeforeEachCallback, AfterEachCallback {

    private static final Logger LOG = LoggerFactory.getLogger(Timeline.class);

    /** One step. */
    public record Step(Duration at, String what) {
        public String render() {
            return String.format(Locale.ROOT, "%9.1f s  %s", at.toMillis() / 1000.0, what);
        }
    }

    private final List<Step> steps = new ArrayList<>();
    private long start = System.nanoTime();

    /** Notes that the scenario reached {@code what}. */
    public synchronized void step(String what) {
        Step s = new Step(Duration.ofNanos(System.nanoTime() - start), what);
        steps.add(s);
        LOG.info("scenario: {}", s.render().strip());
    }

    public synchronized List<Step> steps() {
        return List.copyOf(steps);
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        steps.clear();
        start = System.nanoTime();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Path folder = RigExtension.reportFolder(context);
        StringBuilder text = new StringBuilder();
        for (Step s : steps()) {
            text.append(s.render()).append('\n');
        }
        context.getExecutionException().ifPresent(e -> text.append(String.format(Locale.ROOT, "%9.1f s  FAILED: %s%n",
                (System.nanoTime() - start) / 1e9, e.getMessage())));
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("steps.txt"), text);
        } catch (IOException e) {
            throw new UncheckedIOException("timeline: cannot write " + folder.resolve("steps.txt") + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Timeline.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return this;
    }
}
