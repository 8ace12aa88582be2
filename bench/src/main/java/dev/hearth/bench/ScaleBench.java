package dev.hearth.bench;

import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.ServiceSpec;
import dev.hearth.supervisor.ServiceStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Scale-out from zero to 1,000 in-JVM instances under a burst of slow requests, and scale-in
 * from the last response to zero instances. Baseline: starting the same number of parked plain
 * threads in the same process.
 */
final class ScaleBench {

    static final int BURST = 1_000;
    static final int IDLE_TIMEOUT_MILLIS = 1_000;
    private static final int RUNS = 5;

    private ScaleBench() {
    }

    static void run(Report report) throws Exception {
        Samples out = new Samples();
        Samples in = new Samples();
        Samples threads = new Samples();
        for (int run = 0; run < RUNS; run++) {
            threads.add(plainThreads());
            try (BenchServices services = new BenchServices()) {
                measure(services, "burst", out, in);
            }
        }
        double outMs = out.p50Millis();
        double baseMs = threads.p50Millis();
        report.add("scaleout.injvm.ms", outMs, "ms", "<= 1000",
                "0 -> " + BURST + " instances, target concurrency 1; median of " + RUNS);
        report.add("scaleout.baseline_threads.ms", baseMs, "ms", "",
                BURST + " plain parked threads started in the same process");
        report.add("scaleout.injvm.ratio", outMs / baseMs, "x", "", "scale-out / plain threads");
        report.add("scalein.ms", in.p50Millis(), "ms", "<= 1000",
                "last response -> zero instances, minus the " + IDLE_TIMEOUT_MILLIS + " ms idle timeout");
    }

    private static void measure(BenchServices services, String name, Samples out, Samples in) throws Exception {
        services.hold = new CountDownLatch(1);
        services.supervisor.deploy(ServiceSpec.builder(name, "injvm", "hold").targetConcurrency(1)
                .maxInstances(BURST).queueBound(BURST).activationTimeoutMillis(60_000)
                .idleTimeoutMillis(IDLE_TIMEOUT_MILLIS).build());
        List<CompletableFuture<ServiceResponse>> calls = new ArrayList<>(BURST);
        long t0 = System.nanoTime();
        for (int i = 0; i < BURST; i++) {
            calls.add(services.supervisor.dispatch(name, ServiceRequest.of("GET", "/")).toCompletableFuture());
        }
        await(() -> status(services, name).inFlight() == BURST);
        out.add(System.nanoTime() - t0);
        ServiceStatus busy = status(services, name);
        if (busy.instances() != BURST) {
            throw new IllegalStateException("expected " + BURST + " instances, saw " + busy.instances());
        }
        services.hold.countDown();
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long last = System.nanoTime();
        await(() -> status(services, name).instances() == 0);
        in.add(System.nanoTime() - last - TimeUnit.MILLISECONDS.toNanos(IDLE_TIMEOUT_MILLIS));
        services.supervisor.remove(name);
    }

    private static ServiceStatus status(BenchServices services, String name) {
        return services.supervisor.status(name).orElseThrow();
    }

    /** Starts {@link #BURST} threads that park until released; returns the nanoseconds until all run. */
    private static long plainThreads() throws InterruptedException {
        CountDownLatch running = new CountDownLatch(BURST);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>(BURST);
        long t0 = System.nanoTime();
        for (int i = 0; i < BURST; i++) {
            Thread t = new Thread(() -> {
                running.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.setDaemon(true);
            t.start();
            started.add(t);
        }
        running.await();
        long elapsed = System.nanoTime() - t0;
        release.countDown();
        for (Thread t : started) {
            t.join();
        }
        return elapsed;
    }

    static void await(BooleanSupplier condition) {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("benchmark condition not reached within 60 s");
            }
            LockSupport.parkNanos(200_000);
        }
    }
}
