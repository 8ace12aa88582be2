package dev.hearth.isolation.crun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.isolation.Instance;
import dev.hearth.isolation.InstanceContext;
import dev.hearth.isolation.InstanceExit;
import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.ServiceSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrunIsolationDriverTest {

    @TempDir
    Path state;

    private CrunIsolationDriver driver;

    @BeforeEach
    void open() {
        driver = new CrunIsolationDriver(CrunHostRig.settings("driver", state));
        CrunHostRig.requireAvailable(driver);
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private Instance start(ServiceSpec spec, String instanceId) throws Exception {
        Path data = state.resolve("services").resolve(spec.name()).resolve("data");
        Files.createDirectories(data);
        return driver.start(new InstanceContext(spec, instanceId, data, state.resolve("run").resolve(instanceId)))
                .toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static String body(ServiceResponse response) throws IOException {
        return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String shell(Instance instance, String command) throws Exception {
        byte[] bytes = command.getBytes(StandardCharsets.UTF_8);
        ServiceRequest request = new ServiceRequest("POST", "/sh", "", Map.of(), new ByteArrayInputStream(bytes),
                bytes.length);
        return body(instance.handle(request).toCompletableFuture().get(20, TimeUnit.SECONDS));
    }

    /** A shell command's answer ends in a non-zero exit status. */
    private static void assertFails(String answer) {
        assertTrue(answer.contains("exit=") && !answer.endsWith("exit=0"), answer);
    }

    @Test
    void aContainerAnswersOverItsSocketAndStopsWhenAsked() throws Exception {
        Instance instance = start(ServiceSpec.of("hello", "crun", "hello"), "i1");
        ServiceResponse response = instance.handle(ServiceRequest.of("GET", "/")).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertEquals(200, response.status());
        assertEquals("hello", body(response));
        instance.stop(Duration.ofSeconds(5));
        InstanceExit exit = instance.exit().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(InstanceExit.Cause.STOPPED, exit.cause(), exit.detail());
        assertTrue(instance.logTail(50).stream().anyMatch(line -> line.contains("hello: stopping")),
                () -> "the service saw SIGTERM: " + instance.logTail(50));
        assertTrue(instance.usage().cpuMillis() >= 0, "CPU time is metered from the cgroup");
        assertTrue(instance.usage().peakMemoryBytes() > 0, "peak memory is metered from the cgroup");
    }

    @Test
    void theImageIsUnpackedOnceAndASandboxIsCreatedAheadAfterTheFirstActivation() throws Exception {
        ServiceSpec spec = ServiceSpec.of("hello", "crun", "hello.tar");
        Instance first = start(spec, "i1");
        long unpacked;
        try (var dirs = Files.list(state.resolve("images"))) {
            unpacked = dirs.filter(p -> p.getFileName().toString().startsWith("sha256-")).count();
        }
        assertEquals(1, unpacked);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (driver.parkedSandboxes("hello") < 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, driver.parkedSandboxes("hello"), "one sandbox is created ahead after an activation");
        Instance second = start(spec, "i2");
        assertEquals("hello", body(second.handle(ServiceRequest.of("GET", "/")).toCompletableFuture()
                .get(10, TimeUnit.SECONDS)));
        try (var dirs = Files.list(state.resolve("images"))) {
            assertEquals(1, dirs.filter(p -> p.getFileName().toString().startsWith("sha256-")).count());
        }
        first.stop(Duration.ZERO);
        second.stop(Duration.ZERO);
        assertEquals(InstanceExit.Cause.STOPPED, second.exit().toCompletableFuture().get(10, TimeUnit.SECONDS).cause());
    }

    @Test
    void aServiceSeesItsOwnDataButNotAnotherServicesNorTheHostNorTheNetwork() throws Exception {
        Path other = state.resolve("services").resolve("other").resolve("data");
        Files.createDirectories(other);
        Files.writeString(other.resolve("secret"), "other's data");
        Instance probe = start(ServiceSpec.of("probe", "crun", "probe"), "p1");
        assertEquals("mine\nexit=0", shell(probe, "echo mine > /data/file && cat /data/file"));
        assertFails(shell(probe, "cat " + other.resolve("secret")));
        assertFails(shell(probe, "cat /etc/passwd"));
        assertFails(shell(probe, "ls " + state));
        assertFails(shell(probe, "touch /bin/x"));
        String links = shell(probe, "ls /sys/class/net");
        assertEquals("lo\nexit=0", links, "loopback is the only network");
        assertFails(shell(probe, "wget -q -T 2 -O - http://1.1.1.1/"));
        probe.stop(Duration.ZERO);
        probe.exit().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aServiceCannotGainPrivilegesMountOrForkPastItsPidsLimit() throws Exception {
        Instance probe = start(ServiceSpec.of("probe", "crun", "probe"), "p1");
        String mount = shell(probe, "mkdir -p /tmp/m && mount -t tmpfs none /tmp/m");
        assertNotEquals("exit=0", mount.substring(mount.lastIndexOf("exit=")), mount);
        String capabilities = shell(probe, "grep CapEff /proc/self/status");
        assertTrue(capabilities.contains("0000000000000000"), capabilities);
        assertTrue(shell(probe, "grep NoNewPrivs /proc/self/status").contains("1"));
        String fork = shell(probe, "for i in $(seq 1 100); do sleep 5 & done; wait");
        assertTrue(fork.contains("fork failed") || fork.contains("can't fork") || fork.contains("Resource"),
                "more processes than the pids limit cannot be made: " + fork);
        probe.stop(Duration.ZERO);
        probe.exit().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
