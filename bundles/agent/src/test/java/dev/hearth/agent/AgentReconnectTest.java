package dev.hearth.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.MetricNames;
import dev.hearth.agent.wire.Payload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Mosquitto restart in the middle of a stream of commands. */
class AgentReconnectTest {

    @TempDir
    Path dir;

    @Test
    void aBrokerRestartMidStreamLosesNoReplyAndTheAgentIsBackWithinTwoSeconds() throws Exception {
        try (MosquittoBroker broker = new MosquittoBroker(dir);
             TestRequester hub = new TestRequester(broker.url(), "hub-1", Device.ID, MosquittoBroker.HUB_USER,
                     MosquittoBroker.HUB_PASSWORD);
             Device device = new Device(broker.url(), dir, s -> s.withCredentials(MosquittoBroker.DEVICE_USER,
                     MosquittoBroker.DEVICE_PASSWORD).withTelemetryIntervalSeconds(0))) {
            AgentMosquittoTest.await(() -> device.agent.state() == AgentState.CONNECTED, "connected");
            List<CompletableFuture<Payload>> replies = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                replies.add(hub.request("SVC-V1", Method.GET, "services", Map.of(), ""));
            }
            broker.stop();
            AgentMosquittoTest.await(() -> device.agent.state() == AgentState.WAITING, "agent noticed");
            for (int i = 0; i < 100; i++) {
                replies.add(hub.request("SVC-V1", Method.GET, "services", Map.of(), ""));
            }
            broker.start();
            long back = System.nanoTime();
            while (device.agent.state() != AgentState.CONNECTED) {
                assertTrue(MosquittoBroker.since(back).compareTo(Duration.ofSeconds(2)) < 0, "reconnected within 2 s");
                LockSupport.parkNanos(1_000_000);
            }
            CompletableFuture.allOf(replies.stream().map(f -> f.exceptionally(e -> null)).toArray(CompletableFuture[]::new))
                    .completeOnTimeout(null, 10, TimeUnit.SECONDS).join();
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < replies.size(); i++) {
                if (!replies.get(i).isDone()) {
                    missing.add(i);
                }
            }
            assertEquals(List.of(), missing, "requests without a reply");
            for (CompletableFuture<Payload> r : replies) {
                assertEquals(200L, r.get().whole(MetricNames.RESPONSE_CODE).orElseThrow());
            }
        }
    }
}
