package dev.hearth.bench;

import dev.hearth.gateway.Gateway;
import dev.hearth.gateway.GatewaySettings;
import dev.hearth.isolation.Instance;
import dev.hearth.isolation.InstanceContext;
import dev.hearth.supervisor.ServiceSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Through the gateway: the first request to a service at zero instances (a cold start), a warm
 * request, and a warm request to the same kind of instance served directly over the same HTTP
 * transport (the baseline for the gateway's overhead). One HTTP/1.1 client, one connection.
 */
final class GatewayBench {

    private static final int WARMUP = 3_000;
    private static final int WARM_SAMPLES = 5_000;
    private static final int COLD_WARMUP = 300;
    private static final int COLD_SAMPLES = 1_000;

    private GatewayBench() {
    }

    static void run(Report report) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        try (BenchServices services = new BenchServices();
             Gateway gateway = new Gateway(GatewaySettings.defaults().withPort(0), services.supervisor)) {
            gateway.start();
            String base = "http://127.0.0.1:" + gateway.port() + "/";
            services.supervisor.deploy(ServiceSpec.builder("warm", "injvm", "hello").minInstances(1).build());
            double warmP50;

            Instance direct = services.driver.start(new InstanceContext(
                    ServiceSpec.of("direct", "injvm", "hello"), "direct-1",
                    Files.createTempDirectory("hearth-bench-direct"), Files.createTempDirectory("hearth-bench-run")))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            try (DirectHttpServer server = new DirectHttpServer(direct)) {
                URI gatewayUri = URI.create(base + "warm/");
                URI directUri = URI.create("http://127.0.0.1:" + server.port() + "/");
                // Interleave the two so that noise from the shared machine hits both alike.
                Samples viaGateway = new Samples();
                Samples viaDirect = new Samples();
                for (int i = 0; i < WARMUP + WARM_SAMPLES; i++) {
                    long g = time(client, gatewayUri);
                    long d = time(client, directUri);
                    if (i >= WARMUP) {
                        viaGateway.add(g);
                        viaDirect.add(d);
                    }
                }
                warmP50 = viaGateway.p50Millis();
                report.add("warm.gateway.p50_ms", viaGateway.p50Millis(), "ms", "",
                        "warm request through the gateway, p99 " + fmt(viaGateway.p99Millis()) + " ms");
                report.add("warm.direct.p50_ms", viaDirect.p50Millis(), "ms", "",
                        "same handler served directly over the same Netty HTTP transport");
                report.add("gateway.overhead_ratio", viaGateway.p50Millis() / viaDirect.p50Millis(), "x", "<= 1.5",
                        "gateway p50 / direct p50");
            } finally {
                direct.stop(Duration.ZERO);
            }

            // A service that ran before and went back to zero: the common case on a board.
            int pool = 50;
            for (int s = 0; s < pool; s++) {
                services.supervisor.deploy(ServiceSpec.of("cold-" + s, "injvm", "hello"));
            }
            Samples cold = new Samples();
            for (int i = 0; i < COLD_WARMUP + COLD_SAMPLES; i++) {
                String name = "cold-" + (i % pool);
                services.supervisor.stop(name);
                ScaleBench.await(() -> services.supervisor.status(name).orElseThrow().instances() == 0);
                long before = services.supervisor.status(name).orElseThrow().coldStarts();
                long t = time(client, URI.create(base + name + "/"));
                if (i >= COLD_WARMUP) {
                    cold.add(t);
                }
                if (services.supervisor.status(name).orElseThrow().coldStarts() != before + 1) {
                    throw new IllegalStateException("request to " + name + " was not a cold start");
                }
            }
            report.add("coldstart.injvm.p50_ms", cold.p50Millis(), "ms", "<= 1", "service scaled to zero -> "
                    + "response, through the gateway; " + COLD_SAMPLES + " activations");
            report.add("coldstart.injvm.p99_ms", cold.p99Millis(), "ms", "", "");
            report.add("coldstart.injvm.ratio", cold.p50Millis() / warmP50, "x", "",
                    "cold start p50 / warm request p50 through the gateway");

            // A service's very first activation also creates its data directory.
            Samples first = new Samples();
            for (int i = 0; i < COLD_SAMPLES; i++) {
                String name = "first-" + i;
                services.supervisor.deploy(ServiceSpec.builder(name, "injvm", "hello").idleTimeoutMillis(200).build());
                first.add(time(client, URI.create(base + name + "/")));
            }
            report.add("coldstart.injvm_first.p50_ms", first.p50Millis(), "ms", "",
                    "first activation ever of a service (creates its data directory)");
        }
    }

    private static long time(HttpClient client, URI uri) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
        long t0 = System.nanoTime();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        long elapsed = System.nanoTime() - t0;
        if (response.statusCode() != 200 || response.body().length != BenchServices.HELLO.length) {
            throw new IllegalStateException(uri + " answered " + response.statusCode());
        }
        return elapsed;
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.3f", v);
    }
}
