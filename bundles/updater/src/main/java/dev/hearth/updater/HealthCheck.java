package dev.hearth.updater;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a boot into a slot being tried, waits on a thread of its own until every
 * {@link HealthCondition} is met, then has the updater mark the slot good; when the deadline passes
 * first, tells the updater the slot is unhealthy (which reboots so the bootloader falls back).
 * A slot that is not being tried is not checked.
 */
public final class HealthCheck implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthCheck.class);

    private final Updater updater;
    private final List<HealthCondition> conditions;
    private final Duration deadline;
    private final Duration pollInterval;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    public HealthCheck(Updater updater, List<HealthCondition> conditions, Duration deadline, Duration pollInterval) {
        this.updater = updater;
        this.conditions = List.copyOf(conditions);
        this.deadline = deadline;
        this.pollInterval = pollInterval;
        this.thread = new Thread(this::run, "hearth-updater-health");
        this.thread.setDaemon(true);
    }

    /** Starts checking when the running slot is being tried; otherwise the state stays NOT_NEEDED. */
    public void start() throws IOException {
        if (!updater.beingTried()) {
            updater.healthState(HealthCheckState.NOT_NEEDED);
            LOG.info("Health check: slot {} is already good, NOT_NEEDED", updater.settings().bootedSlot());
            return;
        }
        updater.healthState(HealthCheckState.WAITING);
        LOG.info("Health check: WAITING up to {} s for {}", deadline.toSeconds(),
                conditions.stream().map(HealthCondition::name).toList());
        thread.start();
    }

    public HealthCheckState state() {
        return updater.healthState();
    }

    private void run() {
        long end = System.nanoTime() + deadline.toNanos();
        try {
            while (true) {
                List<String> unmet = unmet();
                if (unmet.isEmpty()) {
                    updater.healthy();
                    return;
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    updater.unhealthy("not healthy within " + deadline.toSeconds() + " s: " + String.join("; ", unmet));
                    return;
                }
                if (stop.await(Math.min(left, pollInterval.toNanos()), TimeUnit.NANOSECONDS)) {
                    updater.healthState(HealthCheckState.STOPPED);
                    LOG.info("Health check: STOPPED before a verdict");
                    return;
                }
            }
        } catch (InterruptedException e) {
            updater.healthState(HealthCheckState.STOPPED);
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            updater.healthState(HealthCheckState.FAILED);
            LOG.error("Health check: cannot record the verdict on slot {}", updater.settings().bootedSlot(), e);
        }
    }

    private List<String> unmet() {
        List<String> unmet = new ArrayList<>();
        for (HealthCondition c : conditions) {
            Optional<String> why = c.unmet();
            why.ifPresent(w -> unmet.add(c.name() + ": " + w));
        }
        return unmet;
    }

    @Override
    public void close() throws InterruptedException {
        stop.countDown();
        if (thread.isAlive()) {
            thread.join(5_000);
        }
    }
}
