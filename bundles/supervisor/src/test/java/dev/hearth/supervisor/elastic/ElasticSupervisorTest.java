package dev.hearth.supervisor.elastic;

import static dev.hearth.supervisor.elastic.Services.await;
import static dev.hearth.supervisor.elastic.Services.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.DispatchRejectedException;
import dev.hearth.supervisor.DispatchRejectedException.Reason;
import dev.hearth.supervisor.ServiceState;
import dev.hearth.supervisor.ServiceStatus;
import dev.hearth.supervisor.SupervisorEvents;
import dev.hearth.supervisor.UnknownServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElasticSupervisorTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path state;

    private Services services;
    private ElasticSupervisor supervisor;

    @BeforeEach
    void start() {
        services = new Services(state);
        supervisor = services.supervisor;
    }

    @AfterEach
    void stop() {
        services.close();
    }

    private static DispatchRejectedException rejection(CompletableFuture<ServiceResponse> call) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(DispatchRejectedException.class, e.getCause());
    }

    @Test
    void aRegisteredServiceStartsIdleWithNoInstances() {
        supervisor.deploy(services.spec("notes", "echo").build());

        ServiceStatus status = services.status("notes");
        assertEquals(ServiceState.IDLE, status.state());
        assertEquals(0, status.instances());
        assertEquals(0, status.coldStarts());
        assertEquals(1, supervisor.size());
    }

    @Test
    void theFirstRequestActivatesAnInstanceAndIsAnsweredByIt() throws Exception {
        supervisor.deploy(services.spec("notes", "echo").build());

        ServiceResponse response = get(supervisor, "notes", "/hello").get(10, TimeUnit.SECONDS);

        assertEquals(200, response.status());
        assertTrue(new String(response.body().readAllBytes()).endsWith(" /hello"));
        ServiceStatus status = services.status("notes");
        assertEquals(ServiceState.ACTIVE, status.state());
        assertEquals(1, status.instances());
        assertEquals(1, status.coldStarts());
        assertEquals(1, status.requests());
        assertTrue(Files.isDirectory(state.resolve("services/notes/data")), "the service's data directory exists");
    }

    @Test
    void warmRequestsReuseTheRunningInstance() throws Exception {
        supervisor.deploy(services.spec("notes", "echo").build());
        for (int i = 0; i < 50; i++) {
            assertEquals(200, get(supervisor, "notes", "/").get(10, TimeUnit.SECONDS).status());
        }
        ServiceStatus status = services.status("notes");
        assertEquals(1, status.coldStarts());
        assertEquals(1, status.instances());
        assertEquals(50, status.requests());
    }

    @Test
    void anUnknownServiceIsRejectedAsUnknown() {
        assertEquals(Reason.UNKNOWN_SERVICE, rejection(get(supervisor, "nope", "/")).reason());
        assertThrows(UnknownServiceException.class, () -> supervisor.stop("nope"));
    }

    @Test
    void concurrencyBeyondTheTargetScalesOutUpToTheMaximum() throws Exception {
        supervisor.deploy(services.spec("burst", "gate").targetConcurrency(2).maxInstances(4).build());

        List<CompletableFuture<ServiceResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            calls.add(get(supervisor, "burst", "/"));
        }
        await("4 instances are busy", DEADLINE, () -> services.status("burst").inFlight() == 8);

        ServiceStatus busy = services.status("burst");
        assertEquals(4, busy.instances(), "never more than maxInstances");
        assertEquals(4, busy.queued(), "the rest wait in the queue");
        services.gate.complete(null);
        for (CompletableFuture<ServiceResponse> call : calls) {
            assertEquals(204, call.get(10, TimeUnit.SECONDS).status());
        }
        assertEquals(12, services.status("burst").requests());
    }

    @Test
    void aFullQueueRefusesTheRequestAtOnce() throws Exception {
        supervisor.deploy(services.spec("tiny", "gate").targetConcurrency(1).maxInstances(1).queueBound(2).build());
        List<CompletableFuture<ServiceResponse>> held = new ArrayList<>();
        held.add(get(supervisor, "tiny", "/"));
        await("one in flight", DEADLINE, () -> services.status("tiny").inFlight() == 1);
        held.add(get(supervisor, "tiny", "/"));
        held.add(get(supervisor, "tiny", "/"));
        await("one in flight and two queued", DEADLINE,
                () -> services.status("tiny").inFlight() == 1 && services.status("tiny").queued() == 2);

        assertEquals(Reason.QUEUE_FULL, rejection(get(supervisor, "tiny", "/")).reason());
        assertEquals(1, services.status("tiny").rejected());
        services.gate.complete(null);
        for (CompletableFuture<ServiceResponse> call : held) {
            assertEquals(204, call.get(10, TimeUnit.SECONDS).status());
        }
    }

    @Test
    void aRequestWaitingPastTheActivationTimeoutGetsAClearRefusal() throws Exception {
        supervisor.deploy(services.spec("sluggish", "slowstart").activationTimeoutMillis(100).build());

        CompletableFuture<ServiceResponse> call = CompletableFuture.supplyAsync(() -> get(supervisor, "sluggish", "/"))
                .thenCompose(f -> f);
        DispatchRejectedException refusal = rejection(call);
        assertEquals(Reason.ACTIVATION_TIMEOUT, refusal.reason());
        assertTrue(refusal.getMessage().contains("within 100 ms"), refusal.getMessage());
        // The instance's own activation deadline runs out too (just after the request's): it is given up.
        await("the starting instance is given up", DEADLINE, () -> services.status("sluggish").failures() >= 1);
        assertTrue(services.status("sluggish").lastError().contains("did not become ready within 100 ms"),
                services.status("sluggish").lastError());
        services.slowStart.countDown();
        await("the late instance is stopped as soon as it is ready", DEADLINE,
                () -> services.status("sluggish").instances() == 0
                        && services.status("sluggish").state() != ServiceState.ACTIVE);
    }

    @Test
    void idleInstancesAreStoppedAfterTheIdleTimeoutAndTheServiceReturnsToIdle() throws Exception {
        supervisor.deploy(services.spec("notes", "echo").idleTimeoutMillis(50).build());
        get(supervisor, "notes", "/").get(10, TimeUnit.SECONDS);

        await("scaled to zero", DEADLINE, () -> services.status("notes").instances() == 0);

        ServiceStatus status = services.status("notes");
        assertEquals(ServiceState.IDLE, status.state());
        assertTrue(status.activeMillis() >= 50, "metered at least the idle timeout, was " + status.activeMillis());
        assertEquals(1, status.requests());
        assertTrue(services.events.stream().anyMatch(e -> e.getKey().equals(SupervisorEvents.INSTANCE_STOPPED)));
        assertEquals(1, services.started.get("echo"));
        // Activated again on the next request.
        assertEquals(200, get(supervisor, "notes", "/").get(10, TimeUnit.SECONDS).status());
        assertEquals(2, services.status("notes").coldStarts());
    }

    @Test
    void minimumInstancesStartAtDeployAndAreNeverScaledIn() {
        supervisor.deploy(services.spec("warm", "echo").minInstances(2).idleTimeoutMillis(10).build());

        await("two instances ready", DEADLINE, () -> services.status("warm").state() == ServiceState.ACTIVE
                && services.status("warm").instances() == 2 && services.status("warm").inFlight() == 0);
        long stopped = services.events.stream()
                .filter(e -> e.getKey().equals(SupervisorEvents.INSTANCE_STOPPED)).count();
        assertEquals(0, stopped);
        assertEquals(0, services.status("warm").coldStarts(), "starting ahead of demand is not a cold start");
    }

    @Test
    void aServiceWhoseInstancesCannotStartIsRetriedThenFailedAndCanBeReset() throws Exception {
        supervisor.deploy(services.spec("fragile", "broken").activationTimeoutMillis(5_000).build());

        DispatchRejectedException refusal = rejection(get(supervisor, "fragile", "/"));

        assertEquals(Reason.SERVICE_UNAVAILABLE, refusal.reason());
        assertTrue(refusal.getMessage().contains("the database file is locked"), refusal.getMessage());
        ServiceStatus failed = services.status("fragile");
        assertEquals(ServiceState.FAILED, failed.state());
        assertEquals(SupervisorSettings.DEFAULT_MAX_CONSECUTIVE_FAILURES, failed.failures());
        assertTrue(failed.lastError().contains("failed to start"), failed.lastError());
        assertEquals(Reason.SERVICE_UNAVAILABLE, rejection(get(supervisor, "fragile", "/")).reason());

        services.driver.addFactory("broken", ctx -> request -> ServiceResponse.empty(200));
        supervisor.reset("fragile");
        assertEquals(ServiceState.IDLE, services.status("fragile").state());
        assertEquals(200, get(supervisor, "fragile", "/").get(10, TimeUnit.SECONDS).status());
    }

    @Test
    void aServiceWhoseDriverIsMissingIsReportedUnavailableWithTheReason() {
        supervisor.deploy(dev.hearth.supervisor.ServiceSpec.of("photos", "crun", "photos:1"));

        ServiceStatus status = services.status("photos");
        assertEquals(ServiceState.UNAVAILABLE, status.state());
        assertTrue(status.lastError().contains("no isolation driver of type 'crun'"), status.lastError());
        DispatchRejectedException refusal = rejection(get(supervisor, "photos", "/"));
        assertEquals(Reason.SERVICE_UNAVAILABLE, refusal.reason());
    }

    @Test
    void stoppingAServiceStopsItsInstancesAndRefusesItsQueue() throws Exception {
        supervisor.deploy(services.spec("tiny", "gate").targetConcurrency(1).maxInstances(1).build());
        CompletableFuture<ServiceResponse> inFlight = get(supervisor, "tiny", "/");
        CompletableFuture<ServiceResponse> queued = get(supervisor, "tiny", "/");
        await("one queued", DEADLINE, () -> services.status("tiny").queued() == 1);

        supervisor.stop("tiny");

        assertEquals(Reason.SERVICE_UNAVAILABLE, rejection(queued).reason());
        services.gate.complete(null);
        inFlight.get(10, TimeUnit.SECONDS);
        await("no instances", DEADLINE, () -> services.status("tiny").instances() == 0);
        assertEquals(ServiceState.IDLE, services.status("tiny").state());
    }

    @Test
    void redeployingAServiceReplacesItsInstancesWithOnesOfTheNewSpec() throws Exception {
        supervisor.deploy(services.spec("notes", "echo").build());
        String first = new String(get(supervisor, "notes", "/").get(10, TimeUnit.SECONDS).body().readAllBytes());

        supervisor.deploy(services.spec("notes", "echo").targetConcurrency(3).build());
        String second = new String(get(supervisor, "notes", "/").get(10, TimeUnit.SECONDS).body().readAllBytes());

        assertFalse(first.split(" ")[0].equals(second.split(" ")[0]), "a new instance answered: " + second);
        assertEquals(3, services.status("notes").spec().targetConcurrency());
        await("the old instance is gone", DEADLINE, () -> services.status("notes").instances() == 1);
    }

    @Test
    void removingAServiceForgetsIt() throws Exception {
        supervisor.deploy(services.spec("notes", "echo").build());
        get(supervisor, "notes", "/").get(10, TimeUnit.SECONDS);

        assertTrue(supervisor.remove("notes"));

        assertTrue(supervisor.status("notes").isEmpty());
        assertFalse(supervisor.remove("notes"));
        assertEquals(Reason.UNKNOWN_SERVICE, rejection(get(supervisor, "notes", "/")).reason());
    }

    @Test
    void scalingStartsInstancesAheadOfDemand() {
        supervisor.deploy(services.spec("notes", "echo").maxInstances(3).build());

        supervisor.scale("notes", 5);

        await("three instances ready", DEADLINE, () -> services.status("notes").instances() == 3
                && services.status("notes").state() == ServiceState.ACTIVE);
        assertEquals(0, services.status("notes").coldStarts());
    }

    @Test
    void everyStateChangeIsPostedAsAnEvent() throws Exception {
        supervisor.deploy(services.spec("notes", "echo").idleTimeoutMillis(20).build());
        get(supervisor, "notes", "/").get(10, TimeUnit.SECONDS);
        await("scaled to zero", DEADLINE, () -> services.status("notes").instances() == 0);

        List<String> transitions = services.events.stream()
                .filter(e -> e.getKey().equals(SupervisorEvents.SERVICE_STATE_CHANGED))
                .map(e -> e.getValue().get(SupervisorEvents.FROM) + "->" + e.getValue().get(SupervisorEvents.TO))
                .toList();
        assertEquals(List.of("IDLE->ACTIVATING", "ACTIVATING->ACTIVE", "ACTIVE->IDLE"), transitions);
    }

    @Test
    void anInstanceThatDiesIsCountedAsAFailureAndTheNextRequestGetsAFreshOne() throws Exception {
        supervisor.deploy(services.spec("fragile", "fatal").build());
        String first = new String(get(supervisor, "fragile", "/").get(10, TimeUnit.SECONDS).body().readAllBytes());

        assertEquals(Reason.INSTANCE_ERROR, rejection(get(supervisor, "fragile", "/crash")).reason());
        await("the dead instance is gone", DEADLINE, () -> services.status("fragile").instances() == 0);

        ServiceStatus afterCrash = services.status("fragile");
        assertEquals(1, afterCrash.failures());
        assertTrue(afterCrash.lastError().contains("died") && afterCrash.lastError().contains("OutOfMemoryError"),
                afterCrash.lastError());
        String second = new String(get(supervisor, "fragile", "/").get(10, TimeUnit.SECONDS).body().readAllBytes());
        assertFalse(first.equals(second), "a fresh instance answered");
        assertEquals(ServiceState.ACTIVE, services.status("fragile").state());
    }

    @Test
    void aServiceWhoseInstancesKeepDyingBecomesFailed() {
        supervisor.deploy(services.spec("fragile", "fatal").build());
        for (int i = 0; i < SupervisorSettings.DEFAULT_MAX_CONSECUTIVE_FAILURES; i++) {
            int crashes = i;
            await("crash " + i + " recorded", DEADLINE, () -> services.status("fragile").failures() == crashes);
            rejection(get(supervisor, "fragile", "/crash"));
        }
        await("FAILED", DEADLINE, () -> services.status("fragile").state() == ServiceState.FAILED);
        assertEquals(Reason.SERVICE_UNAVAILABLE, rejection(get(supervisor, "fragile", "/")).reason());
    }

    @Test
    void idleServicesCostNoThreads() {
        // Compared as sets of threads, not counts: a thread of an earlier test that ends meanwhile
        // must neither hide a new one nor fail the test.
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        for (int i = 0; i < 10_000; i++) {
            supervisor.deploy(services.spec("svc-" + i, "echo").build());
        }
        assertEquals(10_000, supervisor.size());
        List<String> started = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t))
                .map(Thread::getName)
                .toList();
        assertEquals(List.of(), started, "threads started by deploying idle services");
        assertTrue(supervisor.status("svc-9999").isPresent());
    }
}
