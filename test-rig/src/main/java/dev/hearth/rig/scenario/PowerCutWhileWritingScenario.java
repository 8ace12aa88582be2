package dev.hearth.rig.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.rig.Board;
import dev.hearth.rig.BootStrategy;
import dev.hearth.rig.Hub;
import dev.hearth.rig.RigExtension;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 6: the power is cut while a service writes personal data. After the power comes back
 * the data partition mounts, the service starts, and every note whose write it had confirmed is
 * there, whole.
 */
@DisplayName("6. Power cut while writing personal data")
public class PowerCutWhileWritingScenario {

    static final Lab LAB = Lab.shared();
    @RegisterExtension
    static final RigExtension RIG = LAB.rigExtension();
    @RegisterExtension
    final Timeline timeline = new Timeline();

    @Test
    void everyConfirmedWriteSurvivesAPowerCut(Board board, BootStrategy strategy, Hub hub) throws Exception {
        Bringup.flashAndBoot(LAB, board, strategy, hub, timeline);
        Device device = new Device(hub, LAB.gateway());
        Bringup.awaitGoodSlot(device, timeline);
        device.awaitGateway("/notes/", 200, Duration.ofMinutes(2));

        Map<String, String> confirmed = new ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
            int sent = 0;
            while (writing.get()) {
                String body = "written under load #" + sent++;
                try {
                    HttpResponse<String> r = device.request("POST", "/notes/", Device.JSON.createObjectNode()
                            .put("title", "load").put("body", body).toString());
                    if (r.statusCode() == 201) {
                        confirmed.put(Device.JSON.readTree(r.body()).path("id").asText(), body);
                    }
                } catch (IOException e) {
                    return sent; // the power went: the write in flight is not confirmed
                }
            }
            return sent;
        });
        long seed = Long.getLong("hearth.rig.seed", System.nanoTime());
        Device.until(() -> confirmed.size() >= 5 ? java.util.Optional.of(true) : java.util.Optional.empty(),
                Duration.ofMinutes(2), () -> "five confirmed writes (" + confirmed.size() + ")");
        Device.pause(Duration.ofMillis(new Random(seed).nextInt(5_000)));
        board.power().cut();
        writing.set(false);
        int sent = writer.join();
        Map<String, String> before = Map.copyOf(confirmed);
        timeline.step("power cut after " + sent + " writes sent, " + before.size() + " confirmed (seed " + seed + ")");

        int mark = hub.mark();
        board.power().on();
        hub.awaitEvent("BIRTH", mark, e -> true, Duration.ofMinutes(10));
        timeline.step("ONLINE again");
        device.awaitGateway("/notes/", 200, Duration.ofMinutes(2));
        new PersonalData(before).check(device, timeline);
        HttpResponse<String> all = device.request("GET", "/notes/", "");
        assertEquals(200, all.statusCode(), "every note on the data partition reads: " + all.body());
        int stored = Device.JSON.readTree(all.body()).size();
        assertTrue(stored >= before.size(), "at least the confirmed notes are stored: " + stored + " < " + before.size());
        timeline.step(stored + " notes stored, every one of the " + before.size() + " confirmed among them");
    }
}
