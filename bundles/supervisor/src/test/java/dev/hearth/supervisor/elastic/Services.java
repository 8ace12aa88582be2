package dev.hearth.supervisor.elastic;

import dev.hearth.isolation.injvm.InJvmIsolationDriver;
import dev.hearth.service.ServiceHandlerFactory;
import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.ServiceSpec;
import dev.hearth.supervisor.ServiceStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A supervisor with the real in-JVM driver and a few small services for tests: {@code echo}
 * answers at once, {@code gate} holds every request until the test opens the gate, {@code broken}
 * cannot start, {@code slowstart} takes until the test lets it start, {@code fatal} dies (an
 * {@link Error} from its handler) on {@code /crash}.
 */
final class Services implements AutoCloseable {

    final ElasticSupervisor supervisor;
    final InJvmIsolationDriver driver = new InJvmIsolationDriver();
    final List<Map.Entry<String, Map<String, Object>>> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> gate = new CompletableFuture<>();
    final CountDownLatch slowStart = new CountDownLatch(1);
    final Map<String, Integer> started = new ConcurrentHashMap<>();

    Services(Path state) {
        this(SupervisorSettings.defaults(state));
    }

    Services(SupervisorSettings settings) {
        supervisor = new ElasticSupervisor(settings, (topic, props) -> events.add(Map.entry(topic, props)));
        supervisor.addDriver(driver);
        driver.addFactory("echo", counting("echo", ctx -> request ->
                ServiceResponse.of(200, "text/plain", (ctx.instanceId() + " " + request.path()).getBytes())));
        driver.addFactory("gate", counting("gate", ctx -> request -> {
            gate.get(30, TimeUnit.SECONDS);
            return ServiceResponse.empty(204);
        }));
        driver.addFactory("fatal", counting("fatal", ctx -> request -> {
            if (request.path().equals("/crash")) {
                throw new OutOfMemoryError("simulated: the instance's heap is exhausted");
            }
            return ServiceResponse.of(200, "text/plain", ctx.instanceId().getBytes());
        }));
        driver.addFactory("broken", counting("broken", ctx -> {
            throw new IllegalStateException("the database file is locked");
        }));
        driver.addFactory("slowstart", counting("slowstart", ctx -> {
            slowStart.await(30, TimeUnit.SECONDS);
            return request -> ServiceResponse.empty(204);
        }));
    }

    private ServiceHandlerFactory counting(String name, ServiceHandlerFactory factory) {
        return ctx -> {
            started.merge(name, 1, Integer::sum);
            return factory.create(ctx);
        };
    }

    ServiceSpec.Builder spec(String name, String image) {
        return ServiceSpec.builder(name, "injvm", image);
    }

    ServiceStatus status(String name) {
        return supervisor.status(name).orElseThrow();
    }

    static CompletableFuture<ServiceResponse> get(ElasticSupervisor supervisor, String service, String path) {
        return supervisor.dispatch(service, ServiceRequest.of("GET", path)).toCompletableFuture();
    }

    /** Polls a condition until it holds or the deadline passes; fails with {@code what} then. */
    static void await(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline.toMillis() + " ms waiting until " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Override
    public void close() {
        gate.complete(null);
        slowStart.countDown();
        supervisor.close();
        driver.close();
    }
}
