package dev.hearth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.isolation.crun.CrunIsolationDriver;
import dev.hearth.isolation.crun.CrunSettings;
import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.ServiceSpec;
import dev.hearth.supervisor.ServiceStatus;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorEventSink;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Containers under crun, through the real elastic supervisor and crun driver, with the native
 * {@code hello} sample image: the first request to a service at zero instances with sandboxes
 * created ahead and without, against a plain {@code crun run} of the same runtime bundle that
 * starts and answers one request over the same socket (timed in the same run, entering the same
 * mount namespace on a hybrid cgroup host); 0 -> 100 containers under a burst; the private memory
 * of an idle ready instance. Floors: {@code fork+exec} of {@code /bin/true} from this JVM, and of
 * {@code nsenter --mount} into the driver's namespace.
 *
 * <p>Needs root, crun, umoci and the sample image ({@code bundles/isolation-crun/target/images},
 * or the system property {@code hearth.bench.crunImage}); prints why and records nothing otherwise.
 */
final class CrunBench {

    static final int BURST = 100;
    private static final int WARMUP = 5;
    private static final int SAMPLES = 40;
    private static final int FLOOR_SAMPLES = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private CrunBench() {
    }

    static void run(Report report) throws Exception {
        Path image = Path.of(System.getProperty("hearth.bench.crunImage",
                "bundles/isolation-crun/target/images/hello.tar")).toAbsolutePath();
        if (!Files.isRegularFile(image)) {
            System.out.println("  skipped: no sample image at " + image + " (build bundles/isolation-crun)");
            return;
        }
        Path state = Files.createTempDirectory("hearth-bench-crun");
        String pid = Long.toString(ProcessHandle.current().pid());
        Path aheadRun = Path.of("/run/hearth/bench-" + pid + "-a");
        Path coldRun = Path.of("/run/hearth/bench-" + pid + "-c");
        CrunSettings defaults = CrunSettings.defaults(aheadRun, state);
        CrunSettings ahead = new CrunSettings(aheadRun, state.resolve("images"), image.getParent(), "crun",
                defaults.pidsLimit(), defaults.tmpfsBytes(), defaults.reservePerService(),
                defaults.reserveWindowMillis(), defaults.reserveKeepMillis(), defaults.hostJava());
        // No sandbox created ahead: every activation is crun create + crun start.
        CrunSettings cold = new CrunSettings(coldRun, ahead.storeDirectory(), ahead.imageDirectory(), "crun",
                ahead.pidsLimit(), ahead.tmpfsBytes(), 0, ahead.reserveWindowMillis(), ahead.reserveKeepMillis(),
                ahead.hostJava());
        try (CrunIsolationDriver aheadDriver = new CrunIsolationDriver(ahead);
             CrunIsolationDriver coldDriver = new CrunIsolationDriver(cold)) {
            if (!aheadDriver.availability().available()) {
                System.out.println("  skipped: " + aheadDriver.availability().reason());
                return;
            }
            Optional<Path> namespace = Optional.of(aheadRun.resolve("ns").resolve("mnt")).filter(Files::exists);
            Samples trueFloor = new Samples();
            Samples nsenterFloor = new Samples();
            for (int i = 0; i < FLOOR_SAMPLES; i++) {
                trueFloor.add(spawn(List.of("/bin/true")));
                if (namespace.isPresent()) {
                    nsenterFloor.add(spawn(List.of("nsenter", "--mount=" + namespace.get(), "/bin/true")));
                }
            }
            String imageName = image.getFileName().toString();
            Samples created = new Samples();
            Samples fullyCold = new Samples();
            ObjectNode bundleConfig;
            try (Bench bench = new Bench(state.resolve("ahead"), aheadDriver);
                 Bench coldBench = new Bench(state.resolve("cold"), coldDriver)) {
                bench.supervisor.deploy(ServiceSpec.of("hello", "crun", imageName));
                coldBench.supervisor.deploy(ServiceSpec.of("hello", "crun", imageName));
                // The first activation unpacks the image and tells the reserve the service is in demand.
                bench.coldStart("hello", () -> true);
                coldBench.coldStart("hello", () -> true);
                for (int i = 0; i < WARMUP + SAMPLES; i++) {
                    // Interleaved, so that noise from the shared machine hits both alike.
                    long a = bench.coldStart("hello", () -> aheadDriver.parkedSandboxes("hello") >= 1);
                    long c = coldBench.coldStart("hello", () -> true);
                    if (i >= WARMUP) {
                        created.add(a);
                        fullyCold.add(c);
                    }
                }
                bundleConfig = runningConfig(coldBench, coldRun);
            }
            Samples baseline = new Samples();
            Path bundles = state.resolve("baseline");
            CrunCommand crun = new CrunCommand(namespace, coldRun.resolve("state"));
            for (int i = 0; i < WARMUP + SAMPLES; i++) {
                long b = plainRun(crun, bundleConfig, bundles.resolve("b" + i), "bench-baseline-" + pid + "-" + i);
                if (i >= WARMUP) {
                    baseline.add(b);
                }
            }
            double rss;
            double scaleOut;
            try (Bench bench = new Bench(state.resolve("burst"), aheadDriver)) {
                scaleOut = bench.burst(imageName) / 1e6;
                rss = privateKib(aheadRun, aheadDriver);
                Files.writeString(bench.settings.dataDirectory("burst").resolve("release"), "go");
            }

            report.add("coldstart.crun.p50_ms", created.p50Millis(), "ms", "<= 10",
                    "first request, service at zero, sandbox created ahead; p99 " + fmt(created.p99Millis())
                            + " ms; median of " + SAMPLES);
            report.add("coldstart.crun.p99_ms", created.p99Millis(), "ms", "", "same, 99th percentile");
            report.add("coldstart.crun_fullycold.p50_ms", fullyCold.p50Millis(), "ms", "<= 30",
                    "first request, no sandbox created ahead (crun create + start); p99 "
                            + fmt(fullyCold.p99Millis()) + " ms");
            report.add("crun.baseline.p50_ms", baseline.p50Millis(), "ms", "",
                    "plain crun run of the same bundle, until it answered one request over its socket");
            report.add("coldstart.crun.ratio", created.p50Millis() / baseline.p50Millis(), "x", "< 1",
                    "created-ahead cold start / plain crun run");
            report.add("scaleout.crun.ms", scaleOut, "ms", "<= 5000",
                    "0 -> " + BURST + " containers under a burst of held requests");
            report.add("crun.instance_rss_kib", rss, "KiB", "",
                    "private memory (smaps Private_*) of an idle ready hello instance, mean of " + BURST);
            report.add("crun.spawn_floor.p50_ms", trueFloor.p50Millis(), "ms", "",
                    "fork+exec of /bin/true from this JVM, to its exit");
            if (nsenterFloor.size() > 0) {
                report.add("crun.nsenter_floor.p50_ms", nsenterFloor.p50Millis(), "ms", "",
                        "nsenter --mount into the driver's namespace running /bin/true");
            }
        } finally {
            delete(state);
        }
    }

    /** A supervisor over one crun driver, with short scale-in ticks. */
    private static final class Bench implements AutoCloseable {

        final SupervisorSettings settings;
        final ElasticSupervisor supervisor;

        Bench(Path state, CrunIsolationDriver driver) {
            settings = new SupervisorSettings(state, state.resolve("run"), 20, 2_000, 50, 1_000, 5);
            supervisor = new ElasticSupervisor(settings, SupervisorEventSink.NONE);
            supervisor.addDriver(driver);
        }

        /** Stops the service, waits until {@code ready}, then times its first request. */
        long coldStart(String name, java.util.function.BooleanSupplier ready) throws Exception {
            supervisor.stop(name);
            ScaleBench.await(() -> status(name).instances() == 0 && ready.getAsBoolean());
            long before = status(name).coldStarts();
            long t0 = System.nanoTime();
            ServiceResponse response = supervisor.dispatch(name, ServiceRequest.of("GET", "/")).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            long elapsed = System.nanoTime() - t0;
            String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
            if (response.status() != 200 || !body.equals("hello") || status(name).coldStarts() != before + 1) {
                throw new IllegalStateException("not a cold start answered by hello: " + response.status() + " "
                        + body + ", " + status(name));
            }
            return elapsed;
        }

        /** Sends {@link #BURST} requests that each hold an instance; nanoseconds until all are in instances. */
        long burst(String imageName) throws Exception {
            supervisor.deploy(ServiceSpec.builder("burst", "crun", imageName).targetConcurrency(1)
                    .maxInstances(BURST).queueBound(BURST).activationTimeoutMillis(60_000).idleTimeoutMillis(60_000)
                    .build());
            Files.createDirectories(settings.dataDirectory("burst"));
            List<CompletableFuture<ServiceResponse>> calls = new ArrayList<>(BURST);
            long t0 = System.nanoTime();
            for (int i = 0; i < BURST; i++) {
                calls.add(supervisor.dispatch("burst", ServiceRequest.of("GET", "/wait")).toCompletableFuture());
            }
            ScaleBench.await(() -> status("burst").inFlight() == BURST || calls.stream().anyMatch(c -> c.isDone()));
            long elapsed = System.nanoTime() - t0;
            ServiceStatus busy = status("burst");
            if (busy.instances() != BURST || busy.inFlight() != BURST) {
                throw new IllegalStateException("expected " + BURST + " busy instances, saw " + busy);
            }
            Files.writeString(settings.dataDirectory("burst").resolve("release"), "go");
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            return elapsed;
        }

        ServiceStatus status(String name) {
            return supervisor.status(name).orElseThrow();
        }

        @Override
        public void close() {
            supervisor.close();
        }
    }

    /**
     * The runtime config of a running container of the service, as the driver wrote it: the bundle
     * the baseline runs with plain {@code crun run}.
     */
    private static ObjectNode runningConfig(Bench bench, Path run) throws Exception {
        bench.supervisor.dispatch("hello", ServiceRequest.of("GET", "/")).toCompletableFuture().get(30, TimeUnit.SECONDS);
        try (Stream<Path> containers = Files.list(run.resolve("containers"))) {
            Path config = containers.map(c -> c.resolve("config.json")).filter(Files::isRegularFile).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no running container under " + run));
            return (ObjectNode) JSON.readTree(config.toFile());
        } finally {
            bench.supervisor.stop("hello");
        }
    }

    /** The crun command line as the driver runs it: its state root, inside its namespace if any. */
    private record CrunCommand(Optional<Path> namespace, Path root) {
        List<String> argv(String... arguments) {
            List<String> argv = new ArrayList<>();
            namespace.ifPresent(ns -> argv.addAll(List.of("nsenter", "--mount=" + ns)));
            argv.add("crun");
            argv.add("--root=" + root);
            argv.addAll(List.of(arguments));
            return argv;
        }
    }

    /** Plain {@code crun run} of the bundle until the service answers {@code GET /}; nanoseconds. */
    private static long plainRun(CrunCommand crun, ObjectNode template, Path bundle, String id) throws Exception {
        ObjectNode config = template.deepCopy();
        Path socketDirectory = bundle.resolve("socket");
        Files.createDirectories(socketDirectory);
        for (var mount : config.withArray("/mounts")) {
            if (mount.path("destination").asText().equals("/run/hearth")) {
                ((ObjectNode) mount).put("source", socketDirectory.toString());
            }
        }
        ((ObjectNode) config.get("linux")).put("cgroupsPath", "/hearth/" + id);
        Files.writeString(bundle.resolve("config.json"), config.toString());
        Path socket = socketDirectory.resolve("http.sock");
        long t0 = System.nanoTime();
        Process run = new ProcessBuilder(crun.argv("run", "--bundle=" + bundle, id))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String answer;
        long elapsed;
        try {
            answer = request(socket, run);
            elapsed = System.nanoTime() - t0;
        } finally {
            int killed = new ProcessBuilder(crun.argv("kill", id, "KILL")).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            if (!run.waitFor(10, TimeUnit.SECONDS) || killed != 0) {
                run.destroyForcibly();
            }
            new ProcessBuilder(crun.argv("delete", "--force", id)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
        if (!answer.startsWith("HTTP/1.1 200") || !answer.endsWith("hello")) {
            throw new IllegalStateException("crun run of the baseline answered: " + answer);
        }
        return elapsed;
    }

    /** Connects as soon as the socket accepts (retrying from 50 µs), sends GET / and reads to the end. */
    private static String request(Path socket, Process run) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long pause = 50_000;
        while (true) {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(socket));
                channel.write(ByteBuffer.wrap(("GET / HTTP/1.1\r\nHost: hello\r\nContent-Length: 0\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer buffer = ByteBuffer.allocate(4096);
                while (channel.read(buffer) >= 0 && buffer.hasRemaining()) {
                    // until the service closes the connection
                }
                return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
            } catch (IOException notYet) {
                if (!run.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("the baseline container never answered on " + socket, notYet);
                }
                LockSupport.parkNanos(pause);
                pause = Math.min(pause * 2, 2_000_000);
            }
        }
    }

    /**
     * Mean private memory (Private_Clean + Private_Dirty of smaps_rollup), in KiB, of the processes
     * of the containers that listen on their socket: the running instances, not the parked sandboxes.
     */
    private static double privateKib(Path run, CrunIsolationDriver driver) throws IOException {
        long total = 0;
        int counted = 0;
        try (Stream<Path> containers = Files.list(run.resolve("containers"))) {
            for (Path container : containers.toList()) {
                if (!Files.exists(container.resolve("socket").resolve("http.sock"))) {
                    continue;
                }
                String id = container.getFileName().toString();
                Path procs = Stream.of("/sys/fs/cgroup/pids/hearth/" + id, "/sys/fs/cgroup/hearth/" + id)
                        .map(p -> Path.of(p, "cgroup.procs")).filter(Files::isRegularFile).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no cgroup found for container " + id));
                for (String pid : Files.readAllLines(procs)) {
                    for (String line : Files.readAllLines(Path.of("/proc", pid.strip(), "smaps_rollup"))) {
                        if (line.startsWith("Private_Clean:") || line.startsWith("Private_Dirty:")) {
                            total += Long.parseLong(line.split("\\s+")[1]);
                        }
                    }
                }
                counted++;
            }
        }
        if (counted != BURST) {
            throw new IllegalStateException("expected " + BURST + " running containers, found " + counted
                    + " (driver: " + driver.instanceCount() + " instances)");
        }
        return (double) total / counted;
    }

    /** Starts {@code command} and waits for its exit; nanoseconds. */
    private static long spawn(List<String> command) throws Exception {
        long t0 = System.nanoTime();
        int status = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        long elapsed = System.nanoTime() - t0;
        if (status != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with " + status);
        }
        return elapsed;
    }

    private static void delete(Path tree) throws IOException {
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
