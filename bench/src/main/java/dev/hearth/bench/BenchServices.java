package dev.hearth.bench;

import dev.hearth.isolation.injvm.InJvmIsolationDriver;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorEventSink;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A supervisor with the in-JVM driver and two services for measuring the platform rather than
 * an application: {@code hello} answers at once, {@code hold} waits until released.
 */
final class BenchServices implements AutoCloseable {

    static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);

    final ElasticSupervisor supervisor;
    final InJvmIsolationDriver driver = new InJvmIsolationDriver();
    volatile CountDownLatch hold = new CountDownLatch(1);

    BenchServices() throws Exception {
        Path state = Files.createTempDirectory("hearth-bench");
        supervisor = new ElasticSupervisor(SupervisorSettings.defaults(state), SupervisorEventSink.NONE);
        supervisor.addDriver(driver);
        driver.addFactory("hello", ctx -> request -> ServiceResponse.of(200, "text/plain", HELLO));
        driver.addFactory("hold", ctx -> request -> {
            if (!hold.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return ServiceResponse.of(200, "text/plain", HELLO);
        });
    }

    @Override
    public void close() {
        hold.countDown();
        supervisor.close();
        driver.close();
    }
}
