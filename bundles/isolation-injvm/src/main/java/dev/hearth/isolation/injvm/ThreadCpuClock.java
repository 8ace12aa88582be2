package dev.hearth.isolation.injvm;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The CPU time of the calling thread, in nanoseconds, from the JVM's thread MXBean. Metering reads
 * it before and after each request and sums the differences.
 */
final class ThreadCpuClock {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean SUPPORTED = THREADS.isCurrentThreadCpuTimeSupported();

    private ThreadCpuClock() {
    }

    /** Whether this JVM can measure the CPU time of the current thread at all. */
    static boolean supported() {
        return SUPPORTED;
    }

    /**
     * CPU time used by the calling thread so far, or a negative number when this JVM cannot tell
     * (unsupported, or measurement switched off at run time).
     */
    static long now() {
        return SUPPORTED ? THREADS.getCurrentThreadCpuTime() : -1;
    }
}
