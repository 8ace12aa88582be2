package dev.hearth.isolation.injvm;

import static dev.hearth.isolation.injvm.InJvmIsolationDriverTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hearth.isolation.Instance;
import dev.hearth.isolation.InstanceContext;
import dev.hearth.isolation.InstanceExit;
import dev.hearth.isolation.InstanceUsage;
import dev.hearth.service.ServiceHandler;
import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.ServiceSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InJvmInstanceTest {

    private static final Duration LONG_GRACE = Duration.ofSeconds(30);

    @TempDir
    Path data;

    @TempDir
    Path run;

    private final InJvmIsolationDriver driver = new InJvmIsolationDriver();

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void anInstanceAnswersRequestsThenStopsAndClosesItsHandler() throws Exception {
        AtomicInteger closes = new AtomicInteger();
        Instance instance = start(1, new ServiceHandler() {
            @Override
            public ServiceResponse handle(ServiceRequest request) {
                return ServiceResponse.json(200, "{\"path\":\"" + request.path() + "\"}");
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        });

        ServiceResponse response = await(instance.handle(ServiceRequest.of("GET", "/hello")));
        instance.stop(LONG_GRACE);

        assertEquals(200, response.status());
        assertEquals("{\"path\":\"/hello\"}", new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(InstanceExit.stopped(), await(instance.exit()));
        assertEquals(1, closes.get());
        assertEquals(InJvmInstance.State.STOPPED, ((InJvmInstance) instance).state());
    }

    @Test
    void requestsInFlightNeverExceedTheTargetConcurrency() throws Exception {
        int target = 3;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch entered = new CountDownLatch(target);
        CountDownLatch release = new CountDownLatch(1);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Instance instance = start(target, request -> {
            threads.add(Thread.currentThread().getName());
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            entered.countDown();
            release.await();
            running.decrementAndGet();
            return ServiceResponse.empty(204);
        });

        List<CompletableFuture<ServiceResponse>> responses = new ArrayList<>();
        for (int i = 0; i < target * 3; i++) {
            responses.add(instance.handle(ServiceRequest.of("GET", "/")).toCompletableFuture());
        }
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        assertEquals(target, running.get());
        assertTrue(responses.stream().noneMatch(CompletableFuture::isDone));
        release.countDown();

        for (CompletableFuture<ServiceResponse> response : responses) {
            assertEquals(204, await(response).status());
        }
        assertEquals(target, most.get());
        assertEquals(target, threads.size());
    }

    @Test
    void instanceThreadsAreDaemonsNamedAfterServiceAndInstance() throws Exception {
        Instance instance = start(2, request -> ServiceResponse.json(200,
                "\"" + Thread.currentThread().getName() + " " + Thread.currentThread().isDaemon() + "\""));

        String seen = new String(await(instance.handle(ServiceRequest.of("GET", "/"))).body().readAllBytes(),
                StandardCharsets.UTF_8);

        assertTrue(seen.matches("\"notes-i7-\\d+ true\""), seen);
    }

    @Test
    void aThrowingHandlerAnswers500WithoutItsMessageAndTheNextRequestIsServed() throws Exception {
        Instance instance = start(1, request -> {
            if (request.path().equals("/fail")) {
                throw new IllegalArgumentException("secret note title");
            }
            return ServiceResponse.empty(204);
        });

        ServiceResponse failed = await(instance.handle(ServiceRequest.of("GET", "/fail")));
        ServiceResponse next = await(instance.handle(ServiceRequest.of("GET", "/ok")));

        assertEquals(500, failed.status());
        assertEquals("application/json", failed.headers().get("content-type"));
        assertEquals("{\"error\":\"internal error\"}",
                new String(failed.body().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(204, next.status());
        assertTrue(instance.logTail(64).stream()
                        .anyMatch(line -> line.contains("handler error: java.lang.IllegalArgumentException")),
                instance.logTail(64).toString());
    }

    @Test
    void aHandlerThatReturnsNoResponseAnswers500() throws Exception {
        Instance instance = start(1, request -> null);

        assertEquals(500, await(instance.handle(ServiceRequest.of("GET", "/"))).status());
    }

    @Test
    void aHandlerErrorFailsTheRequestKeepsTheCauseAndTheInstanceDies() throws Exception {
        Instance instance = start(1, request -> {
            throw new StackOverflowError();
        });

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> await(instance.handle(ServiceRequest.of("GET", "/deep"))));

        assertInstanceOf(StackOverflowError.class, failure.getCause().getCause());
        InstanceExit exit = await(instance.exit());
        assertEquals(InstanceExit.Cause.DIED, exit.cause());
        assertTrue(exit.detail().contains("StackOverflowError"), exit.detail());
        assertThrows(ExecutionException.class, () -> await(instance.handle(ServiceRequest.of("GET", "/"))));
    }

    @Test
    void cpuMeteringCountsTheTimeABusyHandlerSpins() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled());
        long spin = TimeUnit.MILLISECONDS.toNanos(50);
        AtomicLong spins = new AtomicLong();
        Instance instance = start(1, request -> {
            long until = threads.getCurrentThreadCpuTime() + spin;
            while (threads.getCurrentThreadCpuTime() < until) {
                spins.incrementAndGet();
            }
            return ServiceResponse.empty(204);
        });
        assertEquals(0, instance.usage().cpuMillis());

        await(instance.handle(ServiceRequest.of("GET", "/")));

        assertTrue(spins.get() > 0);
        assertTrue(instance.usage().cpuMillis() >= 50, "metered " + instance.usage().cpuMillis() + " ms");
    }

    @Test
    void peakMemoryIsUnknownInTheJvm() throws Exception {
        Instance instance = start(1, request -> ServiceResponse.empty(204));

        assertEquals(InstanceUsage.UNKNOWN, instance.usage().peakMemoryBytes());
    }

    @Test
    void stopLetsWorkInFlightFinishWithinTheGraceAndRefusesNewWork() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger closes = new AtomicInteger();
        Instance instance = start(1, new ServiceHandler() {
            @Override
            public ServiceResponse handle(ServiceRequest request) throws InterruptedException {
                entered.countDown();
                release.await();
                return ServiceResponse.empty(204);
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        });
        CompletionStage<ServiceResponse> inFlight = instance.handle(ServiceRequest.of("GET", "/"));
        assertTrue(entered.await(5, TimeUnit.SECONDS));

        instance.stop(LONG_GRACE);

        assertFalse(instance.exit().toCompletableFuture().isDone());
        assertEquals(0, closes.get());
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> await(instance.handle(ServiceRequest.of("GET", "/late"))));
        assertTrue(refused.getCause().getMessage().contains("is STOPPING"), refused.getCause().getMessage());
        release.countDown();
        assertEquals(204, await(inFlight).status());
        assertEquals(InstanceExit.stopped(), await(instance.exit()));
        assertEquals(1, closes.get());
    }

    @Test
    void stopInterruptsWorkStillRunningWhenTheGraceRunsOut() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicLong interruptedAt = new AtomicLong();
        Instance instance = start(1, request -> {
            entered.countDown();
            try {
                never.await();
            } finally {
                interruptedAt.set(System.nanoTime());
            }
            return ServiceResponse.empty(204);
        });
        CompletionStage<ServiceResponse> inFlight = instance.handle(ServiceRequest.of("GET", "/"));
        CompletionStage<ServiceResponse> queued = instance.handle(ServiceRequest.of("GET", "/queued"));
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        long grace = 50;

        long stoppedAt = System.nanoTime();
        instance.stop(Duration.ofMillis(grace));

        assertEquals(InstanceExit.stopped(), await(instance.exit()));
        assertTrue(interruptedAt.get() - stoppedAt >= TimeUnit.MILLISECONDS.toNanos(grace),
                "interrupted after " + (interruptedAt.get() - stoppedAt) + " ns");
        ExecutionException killed = assertThrows(ExecutionException.class, () -> await(inFlight));
        assertInstanceOf(InterruptedException.class, killed.getCause().getCause());
        ExecutionException dropped = assertThrows(ExecutionException.class, () -> await(queued));
        assertTrue(dropped.getCause().getMessage().contains("stopped before the request was handled"));
    }

    @Test
    void stopCanBeCalledAgainAndExitCompletesOnce() throws Exception {
        AtomicInteger closes = new AtomicInteger();
        Instance instance = start(1, new ServiceHandler() {
            @Override
            public ServiceResponse handle(ServiceRequest request) {
                return ServiceResponse.empty(204);
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        });
        AtomicInteger exits = new AtomicInteger();
        instance.exit().thenRun(exits::incrementAndGet);

        instance.stop(Duration.ZERO);
        instance.stop(Duration.ZERO);
        instance.stop(LONG_GRACE);

        assertEquals(InstanceExit.stopped(), await(instance.exit()));
        assertEquals(1, exits.get());
        assertEquals(1, closes.get());
    }

    @Test
    void aRequestAfterStopFailsNamingTheState() throws Exception {
        Instance instance = start(1, request -> ServiceResponse.empty(204));
        instance.stop(Duration.ZERO);
        await(instance.exit());

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> await(instance.handle(ServiceRequest.of("GET", "/"))));

        assertInstanceOf(IllegalStateException.class, failure.getCause());
        assertEquals("injvm driver: instance i7 of 'notes' is STOPPED and takes no more requests",
                failure.getCause().getMessage());
    }

    @Test
    void aFailingCloseIsRecordedAndTheInstanceStillExits() throws Exception {
        Instance instance = start(1, new ServiceHandler() {
            @Override
            public ServiceResponse handle(ServiceRequest request) {
                return ServiceResponse.empty(204);
            }

            @Override
            public void close() throws Exception {
                throw new java.io.IOException("disk gone");
            }
        });

        instance.stop(Duration.ZERO);

        assertEquals(InstanceExit.stopped(), await(instance.exit()));
        assertTrue(instance.logTail(64).stream().anyMatch(line -> line.contains("handler close failed")));
    }

    @Test
    void theLogTailTellsTheInstanceStoryOldestFirst() throws Exception {
        Instance instance = start(1, request -> ServiceResponse.empty(204));
        instance.stop(Duration.ZERO);
        await(instance.exit());

        List<String> tail = instance.logTail(10);

        assertEquals(3, tail.size(), tail.toString());
        assertTrue(tail.get(0).endsWith(" started, at most 1 threads"), tail.get(0));
        assertTrue(tail.get(1).endsWith(" stopping, grace 0 ms"), tail.get(1));
        assertTrue(tail.get(2).endsWith(" stopped"), tail.get(2));
        assertEquals(tail.subList(2, 3), instance.logTail(1));
    }

    private Instance start(int targetConcurrency, ServiceHandler handler) throws Exception {
        driver.addFactory("under-test", context -> handler);
        ServiceSpec spec = ServiceSpec.builder("notes", "injvm", "under-test")
                .targetConcurrency(targetConcurrency).build();
        return await(driver.start(new InstanceContext(spec, "i7", data, run)));
    }
}
