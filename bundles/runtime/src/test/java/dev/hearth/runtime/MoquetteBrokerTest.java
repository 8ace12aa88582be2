package dev.hearth.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MoquetteBrokerTest {

    @TempDir
    Path tmp;

    /** An OTA-V1 chunk (128 KiB of bundle in a KuraPayload) from a hub to a device, acknowledged. */
    @Test
    void aMessageAsLargeAsAnUpdateChunkIsDeliveredAndAcknowledged() throws Exception {
        try (MoquetteBroker broker = new MoquetteBroker(new BrokerSettings("127.0.0.1", 0, tmp.resolve("broker")))) {
            broker.start();
            MqttClient device = client(broker, "device");
            MqttClient hub = client(broker, "hub");
            try {
                CompletableFuture<byte[]> received = new CompletableFuture<>();
                device.subscribe("hearth/device/OTA-V1/EXEC/chunk", 1, (topic, message) -> received.complete(message.getPayload()));
                byte[] chunk = new byte[128 * 1024 + 512];
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = (byte) i;
                }
                hub.publish("hearth/device/OTA-V1/EXEC/chunk", chunk, 1, false);
                assertArrayEquals(chunk, received.get(20, TimeUnit.SECONDS));
            } finally {
                for (MqttClient c : new MqttClient[] {hub, device}) {
                    c.disconnect();
                    c.close();
                }
            }
        }
    }

    /**
     * Port 0: Moquette learns the port it bound on its event loop, possibly after start returns;
     * start waits for it, so the first client connects at once. Started several times, as the
     * order of the two threads varies.
     */
    @Test
    void portZeroGivesTheBoundPortAsSoonAsStartReturns() throws Exception {
        for (int i = 0; i < 10; i++) {
            try (MoquetteBroker broker = new MoquetteBroker(new BrokerSettings("127.0.0.1", 0, tmp.resolve("broker-" + i)))) {
                broker.start();
                assertNotEquals(0, broker.port(), "start " + i);
                MqttClient c = client(broker, "client-" + i);
                assertTrue(c.isConnected(), "start " + i);
                c.disconnect();
                c.close();
            }
        }
    }

    private static MqttClient client(MoquetteBroker broker, String id) throws MqttException {
        MqttClient c = new MqttClient("tcp://127.0.0.1:" + broker.port(), id, new MemoryPersistence());
        c.setTimeToWait(20_000); // a publish the broker never acknowledges fails the test instead of hanging it
        c.connect(new MqttConnectOptions());
        return c;
    }
}
