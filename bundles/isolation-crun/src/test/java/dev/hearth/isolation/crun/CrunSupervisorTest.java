package dev.hearth.isolation.crun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.DispatchRejectedException;
import dev.hearth.supervisor.ServiceSpec;
import dev.hearth.supervisor.ServiceState;
import dev.hearth.supervisor.ServiceStatus;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorEventSink;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real elastic supervisor over real crun containers. */
class CrunSupervisorTest {

    @TempDir
    Path state;

    private CrunIsolationDriver driver;
    private ElasticSupervisor supervisor;

    @BeforeEach
    void open() {
        driver = new CrunIsolationDriver(CrunHostRig.settings("supervisor", state));
        CrunHostRig.requireAvailable(driver);
        SupervisorSettings defaults = SupervisorSettings.defaults(state);
        supervisor = new ElasticSupervisor(new SupervisorSettings(state, state.resolve("run"), 50, 1000, 50, 200, 3),
                SupervisorEventSink.NONE);
        supervisor.addDriver(driver);
        assertTrue(defaults.stateDirectory().equals(state));
    }

    @AfterEach
    void close() {
        if (supervisor != null) {
            supervisor.close();
        }
        driver.close();
    }

    private String get(String service, String path) throws Exception {
        ServiceResponse response = supervisor.dispatch(service, ServiceRequest.of("GET", path)).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        return response.status() + " " + new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    }

    private String shell(String service, String command) throws Exception {
        byte[] bytes = command.getBytes(StandardCharsets.UTF_8);
        ServiceResponse response = supervisor.dispatch(service, new ServiceRequest("POST", "/sh", "", Map.of(),
                new ByteArrayInputStream(bytes), bytes.length)).toCompletableFuture().get(20, TimeUnit.SECONDS);
        return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    }

    private ServiceStatus awaitStatus(String service, Predicate<ServiceStatus> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        ServiceStatus status = supervisor.status(service).orElseThrow();
        while (!condition.test(status)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in time; last status " + status);
            }
            Thread.onSpinWait();
            status = supervisor.status(service).orElseThrow();
        }
        return status;
    }

    private Throwable rejection(String service) throws Exception {
        return rejection(service, "/");
    }

    private Throwable rejection(String service, String path) throws Exception {
        try {
            supervisor.dispatch(service, ServiceRequest.of("GET", path)).toCompletableFuture().get(20, TimeUnit.SECONDS);
            throw new AssertionError("the request was answered");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void aServiceScalesToZeroAndBackWithItsDataKept() throws Exception {
        supervisor.deploy(ServiceSpec.builder("hello", "crun", "hello").idleTimeoutMillis(200).build());
        assertEquals("200 1", get("hello", "/data"));
        ServiceStatus idle = awaitStatus("hello", s -> s.instances() == 0 && s.state() == ServiceState.IDLE);
        assertTrue(idle.cpuMillis() >= 0 && idle.peakMemoryBytes() > 0, "metered from the cgroup: " + idle);
        assertEquals("200 2", get("hello", "/data"), "the data directory outlives the instance");
        assertEquals(2, supervisor.status("hello").orElseThrow().coldStarts());
        assertTrue(Files.exists(state.resolve("services/hello/data/counter")));
    }

    @Test
    void aServiceOverItsMemoryLimitIsOomKilledAndReplacedWhileOthersAreUnaffected() throws Exception {
        supervisor.deploy(ServiceSpec.builder("hog", "crun", "probe").memoryLimitBytes(24L << 20).build());
        supervisor.deploy(ServiceSpec.of("hello", "crun", "hello"));
        assertEquals("200 hello", get("hello", "/"));
        Throwable died = rejection("hog", "/eat");
        assertInstanceOf(DispatchRejectedException.class, died);
        ServiceStatus hog = awaitStatus("hog", s -> s.failures() >= 1);
        assertTrue(hog.lastError().contains("OOM"), hog.lastError());
        assertEquals("exit=0", shell("hog", "true"), "a replacement instance answers");
        assertEquals("200 hello", get("hello", "/"));
    }

    @Test
    void aServiceThatExitsAtOnceFailsWithItsOutputInTheError() throws Exception {
        supervisor.deploy(ServiceSpec.builder("crashing", "crun", "crashing").activationTimeoutMillis(5000).build());
        assertInstanceOf(DispatchRejectedException.class, rejection("crashing"));
        ServiceStatus status = awaitStatus("crashing", s -> s.failures() >= 1);
        assertTrue(status.lastError().contains("exited before its socket accepted")
                && status.lastError().contains("giving up"), status.lastError());
    }

    @Test
    void anImageThatNeverListensTimesOutWithAClearError() throws Exception {
        supervisor.deploy(ServiceSpec.builder("silent", "crun", "silent").activationTimeoutMillis(500).build());
        assertInstanceOf(DispatchRejectedException.class, rejection("silent"));
        ServiceStatus status = awaitStatus("silent", s -> !s.lastError().isEmpty());
        assertTrue(status.lastError().contains("HEARTH_SOCKET") || status.lastError().contains("did not become ready"),
                status.lastError());
    }

    @Test
    void aTruncatedImageArchiveGivesAClearErrorOnTheService() throws Exception {
        byte[] whole = Files.readAllBytes(CrunHostRig.IMAGES.resolve("hello.tar"));
        Path truncated = state.resolve("truncated.tar");
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 3));
        supervisor.deploy(ServiceSpec.of("broken", "crun", truncated.toString()));
        assertInstanceOf(DispatchRejectedException.class, rejection("broken"));
        ServiceStatus status = awaitStatus("broken", s -> !s.lastError().isEmpty());
        assertTrue(status.lastError().contains("corrupt or truncated"), status.lastError());
    }

    @Test
    void anImageWhoseLayerWasTamperedWithIsRefusedWithAClearError() throws Exception {
        Path copy = state.resolve("tampered");
        try (var files = Files.walk(CrunHostRig.IMAGES.resolve("hello"))) {
            for (Path from : files.toList()) {
                Path to = copy.resolve(CrunHostRig.IMAGES.resolve("hello").relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to);
                }
            }
        }
        Path layer;
        try (var blobs = Files.list(copy.resolve("blobs/sha256"))) {
            layer = blobs.max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(layer);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(layer, bytes);
        supervisor.deploy(ServiceSpec.of("tampered", "crun", copy.toString()));
        assertInstanceOf(DispatchRejectedException.class, rejection("tampered"));
        ServiceStatus status = awaitStatus("tampered", s -> !s.lastError().isEmpty());
        assertTrue(status.lastError().contains("cannot be unpacked") && status.lastError().contains("digest"),
                status.lastError());
    }
}
