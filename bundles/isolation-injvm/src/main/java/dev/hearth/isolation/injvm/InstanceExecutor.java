package dev.hearth.isolation.injvm;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one in-JVM instance: at most {@code threads} of them, each created only when
 * the work in hand exceeds the threads there are (an idle thread is always reused first), and
 * retired after a while without work, daemon, named
 * {@code <service>-<instanceId>-<n>}. The queue is unbounded because the supervisor already bounds
 * the requests in flight per instance; the thread count is what must not grow.
 */
final class InstanceExecutor extends ThreadPoolExecutor {

    /** How long an idle thread of a running instance lives before it is retired. */
    static final long IDLE_THREAD_SECONDS = 10;

    private final Runnable onTerminated;

    private final int threads;
    private final AtomicInteger queuedOrRunning = new AtomicInteger();

    InstanceExecutor(String threadNamePrefix, int threads, Runnable onTerminated) {
        // The core size starts at one and grows with the work in hand (see execute): a pool
        // executor starts a new thread for every task while below its core size, even with
        // idle threads, and a thread start costs as much as the rest of a cold start.
        super(1, threads, IDLE_THREAD_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new NamedDaemonThreads(threadNamePrefix));
        allowCoreThreadTimeOut(true);
        this.threads = threads;
        this.onTerminated = onTerminated;
    }

    @Override
    public void execute(Runnable work) {
        int wanted = Math.min(queuedOrRunning.incrementAndGet(), threads);
        if (wanted > getCorePoolSize()) {
            growCore(wanted);
        }
        try {
            super.execute(work);
        } catch (RuntimeException e) {
            queuedOrRunning.decrementAndGet();
            throw e;
        }
    }

    private synchronized void growCore(int wanted) {
        if (wanted > getCorePoolSize()) {
            setCorePoolSize(wanted);
        }
    }

    @Override
    protected void afterExecute(Runnable work, Throwable thrown) {
        queuedOrRunning.decrementAndGet();
    }

    /** Runs once, after shutdown, when the last thread has ended (or at once if there was none). */
    @Override
    protected void terminated() {
        onTerminated.run();
    }

    private static final class NamedDaemonThreads implements ThreadFactory {
        private final String prefix;
        private final AtomicInteger count = new AtomicInteger();

        NamedDaemonThreads(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable work) {
            Thread thread = new Thread(work, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
