package dev.hearth.gateway;

import dev.hearth.isolation.injvm.InJvmIsolationDriver;
import dev.hearth.service.ServiceHandlerFactory;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.ServiceSpec;
import dev.hearth.supervisor.ServiceStatus;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorEventSink;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The real supervisor and in-JVM driver with a few small services, behind a started gateway:
 * <ul>
 * <li>{@code echo} answers {@code "<method> <path> <query> <x-test header or ->"};</li>
 * <li>{@code count} reads the whole body and answers how many bytes it had;</li>
 * <li>{@code upload} counts too, but after its first bytes it signals {@link #uploadStarted} and
 * waits for {@link #uploadRelease};</li>
 * <li>{@code ignore} answers 200 without reading the body;</li>
 * <li>{@code gate} (one instance, one request at a time, a queue of one) holds every request until
 * the test completes {@link #gate};</li>
 * <li>{@code stream} answers a chunked body: a first line, then, once the test lets it, a second;</li>
 * <li>{@code big} answers 1 MiB of known length;</li>
 * <li>{@code endless} answers a chunked body that never ends, and counts down {@link #endlessClosed}
 * when the gateway closes it;</li>
 * <li>{@code fatal} dies while handling (an Error from its handler); {@code broken} cannot start.</li>
 * </ul>
 */
final class Services implements AutoCloseable {

    static final int BIG = 1 << 20;

    final ElasticSupervisor supervisor;
    final InJvmIsolationDriver driver = new InJvmIsolationDriver();
    final Gateway gateway;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final CompletableFuture<Void> gate = new CompletableFuture<>();
    final CountDownLatch uploadStarted = new CountDownLatch(1);
    final CountDownLatch uploadRelease = new CountDownLatch(1);
    final CountDownLatch streamRelease = new CountDownLatch(1);
    final CountDownLatch endlessClosed = new CountDownLatch(1);

    Services(Path state, GatewaySettings settings) {
        supervisor = new ElasticSupervisor(SupervisorSettings.defaults(state), SupervisorEventSink.NONE);
        supervisor.addDriver(driver);
        driver.addFactory("echo", ctx -> request -> ServiceResponse.of(200, "text/plain",
                (request.method() + " " + request.path() + " " + request.query() + " "
                        + request.header("x-test").orElse("-")).getBytes(StandardCharsets.UTF_8)));
        driver.addFactory("count", ctx -> request -> text(Long.toString(request.body().transferTo(
                java.io.OutputStream.nullOutputStream()))));
        driver.addFactory("upload", ctx -> request -> {
            InputStream body = request.body();
            byte[] buffer = new byte[64 * 1024];
            long total = body.read(buffer);
            uploadStarted.countDown();
            await(uploadRelease);
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                total += n;
            }
            return text(Long.toString(total));
        });
        driver.addFactory("ignore", ctx -> request -> text("ignored"));
        driver.addFactory("gate", ctx -> request -> {
            gate.get(30, TimeUnit.SECONDS);
            return ServiceResponse.empty(204);
        });
        driver.addFactory("stream", ctx -> request -> {
            BlockingQueue<byte[]> parts = new LinkedBlockingQueue<>();
            parts.add("first\n".getBytes(StandardCharsets.UTF_8));
            Thread writer = new Thread(() -> {
                if (awaitQuietly(streamRelease)) {
                    parts.add("second\n".getBytes(StandardCharsets.UTF_8));
                }
                parts.add(new byte[0]);
            }, "stream-writer");
            writer.setDaemon(true);
            writer.start();
            return new ServiceResponse(200, Map.of("content-type", "text/plain"), new QueueBody(parts), -1);
        });
        driver.addFactory("big", ctx -> request -> {
            byte[] body = new byte[BIG];
            for (int i = 0; i < body.length; i++) {
                body[i] = (byte) i;
            }
            return ServiceResponse.of(200, "application/octet-stream", body);
        });
        driver.addFactory("endless", ctx -> request -> new ServiceResponse(200, Map.of(), new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] into, int offset, int length) {
                java.util.Arrays.fill(into, offset, offset + length, (byte) 'z');
                return length;
            }

            @Override
            public void close() {
                endlessClosed.countDown();
            }
        }, -1));
        driver.addFactory("fatal", ctx -> request -> {
            throw new OutOfMemoryError("simulated: the instance's heap is exhausted");
        });
        driver.addFactory("broken", failingFactory());
        supervisor.deploy(spec("echo").build());
        supervisor.deploy(spec("count").build());
        supervisor.deploy(spec("upload").build());
        supervisor.deploy(spec("ignore").build());
        supervisor.deploy(spec("gate").maxInstances(1).targetConcurrency(1).queueBound(1).build());
        supervisor.deploy(spec("stream").build());
        supervisor.deploy(spec("big").build());
        supervisor.deploy(spec("endless").build());
        supervisor.deploy(spec("fatal").build());
        supervisor.deploy(spec("broken").activationTimeoutMillis(300).build());
        gateway = new Gateway(settings.withPort(0), supervisor);
        gateway.start();
    }

    static ServiceSpec.Builder spec(String name) {
        return ServiceSpec.builder(name, "injvm", name);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    ServiceStatus status(String name) {
        return supervisor.status(name).orElseThrow();
    }

    @Override
    public void close() {
        gate.complete(null);
        uploadRelease.countDown();
        streamRelease.countDown();
        gateway.close();
        supervisor.close();
        driver.close();
    }

    /** Polls {@code condition} until it holds, failing after ten seconds. */
    static void awaitCondition(String what, BooleanSupplier condition) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("still waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    private static ServiceHandlerFactory failingFactory() {
        return ctx -> {
            throw new IllegalStateException("the database file is locked");
        };
    }

    private static ServiceResponse text(String text) {
        return ServiceResponse.of(200, "text/plain", text.getBytes(StandardCharsets.UTF_8));
    }

    private static void await(CountDownLatch latch) throws InterruptedException, TimeoutException {
        if (!latch.await(30, TimeUnit.SECONDS)) {
            throw new TimeoutException("the test never released the service");
        }
    }

    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A body fed part by part from a queue; an empty part ends it. */
    static final class QueueBody extends InputStream {
        private final BlockingQueue<byte[]> parts;
        private byte[] current = new byte[0];
        private int position;
        private boolean ended;

        QueueBody(BlockingQueue<byte[]> parts) {
            this.parts = parts;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            while (!ended && position == current.length) {
                try {
                    byte[] next = parts.poll(30, TimeUnit.SECONDS);
                    if (next == null) {
                        throw new IOException("no part came within 30 s");
                    }
                    current = next;
                    position = 0;
                    ended = next.length == 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
            }
            if (ended) {
                return -1;
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, into, offset, n);
            position += n;
            return n;
        }
    }
}
