package dev.hearth.rig.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Personal data a scenario keeps an eye on: notes written through the board's gateway before
 * something happens to the board (an update, a power cut), read back after it.
 *
 * @param notes note id to body
 */
record PersonalData(Map<String, String> notes) {

    static PersonalData write(Device device, Timeline timeline, int count) throws Exception {
        device.awaitGateway("/notes/", 200, Duration.ofMinutes(2));
        Map<String, String> notes = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String body = "kept safe #" + i + " " + System.nanoTime();
            HttpResponse<String> r = device.request("POST", "/notes/", Device.JSON.createObjectNode()
                    .put("title", "rig " + i).put("body", body).toString());
            assertEquals(201, r.statusCode(), "a note is written: " + r.body());
            notes.put(Device.JSON.readTree(r.body()).path("id").asText(), body);
        }
        timeline.step(count + " notes written through the gateway");
        return new PersonalData(notes);
    }

    void check(Device device, Timeline timeline) throws Exception {
        device.awaitGateway("/notes/", 200, Duration.ofMinutes(2));
        for (Map.Entry<String, String> n : notes.entrySet()) {
            HttpResponse<String> r = device.request("GET", "/notes/" + n.getKey(), "");
            assertEquals(200, r.statusCode(), "note " + n.getKey() + " is still there: " + r.body());
            assertEquals(n.getValue(), Device.JSON.readTree(r.body()).path("body").asText(), "note " + n.getKey() + " unchanged");
        }
        timeline.step(notes.size() + " notes read back unchanged");
    }
}
