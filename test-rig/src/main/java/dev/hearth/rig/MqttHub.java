package dev.hearth.rig;

import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.Namespace;
import dev.hearth.hub.BrokerUnreachableException;
import dev.hearth.hub.CommandTimeoutException;
import dev.hearth.hub.DeviceEvent;
import dev.hearth.hub.HubClient;
import dev.hearth.hub.HubSettings;
import dev.hearth.hub.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * A {@link Hub} over MQTT, through the hub's own library ({@link HubClient}): the same wire
 * format, topics and signing as {@code ./hearth hub}. Events arrive on Paho's threads and are
 * appended to the device's log; waiting callers are woken.
 */
public final class MqttHub implements Hub {

    private final String device;
    private final HubClient client;
    private final long start = System.nanoTime();
    private final List<DeviceEvent> events = new ArrayList<>();
    private final List<HubTraffic.Entry> traffic = new ArrayList<>();

    private MqttHub(String device, HubClient client) {
        this.device = device;
        this.client = client;
    }

    /** Connects to the rig's broker as the rig's client id and follows one device. */
    public static MqttHub connect(HubResource hub, String device, Duration timeout) throws BrokerUnreachableException {
        HubSettings settings = HubSettings.of(hub.brokerUrl(), hub.clientId()).withNamespace(Namespace.of(hub.account()));
        MqttHub h = new MqttHub(device, HubClient.connect(settings, timeout));
        h.client.watch(h::arrived);
        return h;
    }

    private synchronized void arrived(DeviceEvent e) {
        if (!e.device().equals(device)) {
            return;
        }
        events.add(e);
        record(HubTraffic.Direction.EVENT, e.kind() + (e.retained() ? " (retained)" : "") + " " + e.payload().metrics());
        notifyAll();
    }

    private synchronized void record(HubTraffic.Direction direction, String text) {
        traffic.add(new HubTraffic.Entry(Duration.ofNanos(System.nanoTime() - start), direction, text));
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public synchronized int mark() {
        return events.size();
    }

    @Override
    public synchronized DeviceEvent awaitEvent(String kind, int mark, Predicate<DeviceEvent> condition, Duration timeout)
            throws HubTimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = mark;
        while (true) {
            for (; next < events.size(); next++) {
                DeviceEvent e = events.get(next);
                if (e.kind().equals(kind) && !e.retained() && condition.test(e)) {
                    return e;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new HubTimeoutException(device, kind, timeout);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HubTimeoutException(device, kind + " (interrupted)", timeout);
            }
        }
    }

    @Override
    public Reply call(String appId, Method method, String resource, Map<String, Object> metrics, byte[] body,
                      Duration timeout) throws CommandTimeoutException {
        String what = appId + " " + method + " " + resource;
        record(HubTraffic.Direction.COMMAND, what + " " + metrics + " body " + body.length + " B");
        try {
            Reply r = client.call(device, appId, method, resource, metrics, body, timeout);
            record(HubTraffic.Direction.REPLY, what + " -> " + r.code() + (r.ok() ? "" : " " + r.message())
                    + " body " + r.payload().body().length + " B");
            return r;
        } catch (CommandTimeoutException e) {
            record(HubTraffic.Direction.REPLY, what + " -> no reply within " + timeout.toMillis() + " ms");
            throw e;
        } catch (MqttException e) {
            throw new IllegalStateException("hub: cannot send " + what + " to '" + device + "': " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized HubTraffic traffic() {
        return new HubTraffic(traffic);
    }

    @Override
    public void close() {
        client.close();
    }
}
