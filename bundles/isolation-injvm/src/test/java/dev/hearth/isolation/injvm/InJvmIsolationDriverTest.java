package dev.hearth.isolation.injvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.isolation.Instance;
import dev.hearth.isolation.InstanceContext;
import dev.hearth.isolation.InstanceExit;
import dev.hearth.service.HandlerContext;
import dev.hearth.service.ServiceHandlerFactory;
import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.ServiceSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InJvmIsolationDriverTest {

    @TempDir
    Path data;

    @TempDir
    Path run;

    private final InJvmIsolationDriver driver = new InJvmIsolationDriver();
    private final AtomicInteger instanceIds = new AtomicInteger();

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void itIsTheAlwaysAvailableInjvmDriver() {
        assertEquals("injvm", driver.type());
        assertTrue(driver.availability().available());
    }

    @Test
    void aStartedInstanceIsHandedTheServiceNameItsIdAndTheDataDirectory() throws Exception {
        AtomicReference<HandlerContext> seen = new AtomicReference<>();
        driver.addFactory("echo", context -> {
            seen.set(context);
            return request -> ServiceResponse.empty(204);
        });

        Instance instance = start(spec("notes", "echo"));

        assertEquals(new HandlerContext("notes", instance.id(), data), seen.get());
    }

    @Test
    void anUnknownHandlerNameFailsTheStartNamingServiceAndHandler() {
        Throwable failure = startFailure(spec("notes", "nothing-here"));

        assertInstanceOf(IllegalStateException.class, failure);
        assertEquals("injvm driver: cannot start 'notes': no handler factory named 'nothing-here' is registered",
                failure.getMessage());
    }

    @Test
    void aFactoryThatThrowsFailsTheStartNamingTheServiceAndKeepsTheCause() {
        IOException broken = new IOException("data directory is read-only");
        driver.addFactory("broken", context -> {
            throw broken;
        });

        Throwable failure = startFailure(spec("notes", "broken"));

        assertTrue(failure.getMessage().startsWith("injvm driver: cannot start 'notes': handler factory 'broken'"),
                failure.getMessage());
        assertSame(broken, failure.getCause());
        assertEquals(0, driver.instanceCount());
    }

    @Test
    void aFactoryThatReturnsNoHandlerFailsTheStart() {
        driver.addFactory("empty", context -> null);

        assertTrue(startFailure(spec("notes", "empty")).getMessage().contains("returned no handler"));
    }

    @Test
    void removingAFactoryLeavesRunningInstancesServingButLaterStartsFail() throws Exception {
        driver.addFactory("echo", context -> request -> ServiceResponse.empty(204));
        Instance running = start(spec("notes", "echo"));

        assertTrue(driver.removeFactory("echo"));

        assertEquals(204, await(running.handle(ServiceRequest.of("GET", "/"))).status());
        assertTrue(startFailure(spec("notes", "echo")).getMessage().contains("no handler factory named 'echo'"));
        assertFalse(driver.removeFactory("echo"));
    }

    @Test
    void boundFactoriesAreFoundByTheirHandlerProperty() throws Exception {
        ServiceHandlerFactory first = context -> request -> ServiceResponse.empty(201);
        ServiceHandlerFactory second = context -> request -> ServiceResponse.empty(202);
        Map<String, Object> properties = Map.of(ServiceHandlerFactory.NAME_PROPERTY, "echo");

        driver.bindFactory(first, properties);
        driver.bindFactory(second, properties);
        assertEquals(202, await(start(spec("notes", "echo")).handle(ServiceRequest.of("GET", "/"))).status());

        driver.unbindFactory(second, properties);
        assertEquals(201, await(start(spec("notes", "echo")).handle(ServiceRequest.of("GET", "/"))).status());

        driver.unbindFactory(first, properties);
        assertTrue(startFailure(spec("notes", "echo")).getMessage().contains("no handler factory named 'echo'"));
    }

    @Test
    void aBoundFactoryWithoutAHandlerPropertyIsIgnored() {
        ServiceHandlerFactory anonymous = context -> request -> ServiceResponse.empty(204);

        driver.bindFactory(anonymous, Map.of("service.id", 42L));
        driver.unbindFactory(anonymous, Map.of("service.id", 42L));

        assertTrue(startFailure(spec("notes", "anonymous")).getMessage().contains("no handler factory"));
    }

    @Test
    void aClosedDriverStopsItsInstancesAndStartsNoMore() throws Exception {
        driver.addFactory("echo", context -> request -> ServiceResponse.empty(204));
        Instance instance = start(spec("notes", "echo"));

        driver.close();

        assertEquals(InstanceExit.stopped(), await(instance.exit()));
        assertEquals(InJvmIsolationDriver.State.CLOSED, driver.state());
        assertEquals(0, driver.instanceCount());
        assertTrue(startFailure(spec("notes", "echo")).getMessage().endsWith("the driver is CLOSED"));
    }

    @Test
    void aColdStartFromStartToFirstResponseTakesWellUnderTenMilliseconds() throws Exception {
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        driver.addFactory("hello", context -> request -> ServiceResponse.of(200, "text/plain", hello));
        for (int i = 0; i < 500; i++) {
            coldStart();
        }

        long best = Long.MAX_VALUE;
        for (int i = 0; i < 200; i++) {
            best = Math.min(best, coldStart());
        }

        // The benchmark measures the real figure (target: under 1 ms); this only guards against a
        // start path that blocks, sleeps or scans.
        assertTrue(best < TimeUnit.MILLISECONDS.toNanos(10), "fastest cold start took " + best + " ns");
    }

    private long coldStart() throws Exception {
        long began = System.nanoTime();
        Instance instance = start(spec("hello", "hello"));
        await(instance.handle(ServiceRequest.of("GET", "/")));
        long took = System.nanoTime() - began;
        instance.stop(Duration.ZERO);
        await(instance.exit());
        return took;
    }

    private ServiceSpec spec(String name, String image) {
        return ServiceSpec.of(name, "injvm", image);
    }

    private Instance start(ServiceSpec spec) throws Exception {
        return await(driver.start(context(spec)));
    }

    private Throwable startFailure(ServiceSpec spec) {
        CompletionStage<Instance> stage = driver.start(context(spec));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(5, TimeUnit.SECONDS));
        return e.getCause();
    }

    private InstanceContext context(ServiceSpec spec) {
        return new InstanceContext(spec, String.valueOf(instanceIds.incrementAndGet()), data, run);
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
