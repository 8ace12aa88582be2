package dev.hearth.bench;

import dev.hearth.isolation.injvm.InJvmIsolationDriver;
import dev.hearth.supervisor.ServiceSpec;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorEventSink;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Heap per registered idle service, and name look-up time, measured in a JVM of its own started
 * with a 256 MiB heap: that the million fit at all is part of the result. Prints
 * {@code key value} lines for {@link BenchMain}.
 */
public final class IdleFootprint {

    private IdleFootprint() {
    }

    public static void main(String[] args) throws Exception {
        Path state = Files.createTempDirectory("hearth-bench-idle");
        int[] sizes = {10_000, 100_000, 1_000_000};
        for (int n : sizes) {
            try (ElasticSupervisor supervisor = new ElasticSupervisor(SupervisorSettings.defaults(state),
                    SupervisorEventSink.NONE); InJvmIsolationDriver driver = new InJvmIsolationDriver()) {
                supervisor.addDriver(driver);
                long before = usedHeap();
                for (int i = 0; i < n; i++) {
                    // Each spec is built like one from configuration: its own name, shared driver and image.
                    supervisor.deploy(ServiceSpec.of(name(i), "injvm", "notes"));
                }
                long after = usedHeap();
                System.out.printf(Locale.ROOT, "idle.bytes_per_service.%d %.1f%n", n, (after - before) / (double) n);
                if (n == sizes[sizes.length - 1]) {
                    lookups(supervisor, n);
                }
            }
        }
        System.out.printf(Locale.ROOT, "idle.max_heap_mib %d%n", Runtime.getRuntime().maxMemory() >> 20);
    }

    private static void lookups(ElasticSupervisor supervisor, int n) {
        SplittableRandom random = new SplittableRandom(42);
        int batch = 1_000;
        String[] names = new String[batch];
        Samples perLookup = new Samples();
        long found = 0;
        for (int round = 0; round < 2_200; round++) {
            for (int i = 0; i < batch; i++) {
                names[i] = name(random.nextInt(n));
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < batch; i++) {
                found += supervisor.status(names[i]).isPresent() ? 1 : 0;
            }
            long t1 = System.nanoTime();
            if (round >= 200) { // the first rounds warm the JIT
                perLookup.add((t1 - t0) / batch);
            }
        }
        if (found != 2_200L * batch) {
            throw new IllegalStateException("a registered service was not found");
        }
        System.out.printf(Locale.ROOT, "lookup.p50_ns %d%n", perLookup.percentile(50));
    }

    private static String name(int i) {
        return "svc-" + i;
    }

    private static long usedHeap() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
