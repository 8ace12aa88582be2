package dev.hearth.isolation.injvm;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Ends grace periods: one daemon thread per driver, started when the first stop has work in flight
 * and retired when idle. Its tasks only interrupt threads and complete stages; they never block.
 */
final class GraceTimer {

    private final ScheduledThreadPoolExecutor scheduler;

    GraceTimer() {
        scheduler = new ScheduledThreadPoolExecutor(1, work -> {
            Thread thread = new Thread(work, "injvm-grace-timer");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setKeepAliveTime(10, TimeUnit.SECONDS);
        scheduler.allowCoreThreadTimeOut(true);
        scheduler.setRemoveOnCancelPolicy(true);
    }

    ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        return scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Takes no new tasks; tasks already scheduled still run, then the thread ends. */
    void close() {
        scheduler.shutdown();
    }
}
