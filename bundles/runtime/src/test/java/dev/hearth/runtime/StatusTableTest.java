package dev.hearth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusTableTest {

    @Test
    void eachServiceIsOneRowWithNumbersAlignedRight() {
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("name", "notes");
        notes.put("driver", "injvm");
        notes.put("state", "ACTIVE");
        notes.put("instances", 2);
        notes.put("coldStarts", 1);
        notes.put("requests", 1234);
        notes.put("activeMillis", 5021);
        notes.put("cpuMillis", 17);
        notes.put("queued", 0);
        Map<String, Object> photos = Map.of("name", "photos", "driver", "crun", "state", "IDLE");

        String table = StatusTable.render(List.of(notes, photos));

        assertEquals("""
                NAME    DRIVER  STATE   INSTANCES  COLD STARTS  REQUESTS  ACTIVE MS  CPU MS
                notes   injvm   ACTIVE          2            1      1234       5021      17
                photos  crun    IDLE            -            -         -          -       -
                """, table);
    }

    @Test
    void noServicesSaysSo() {
        assertEquals("no services registered\n", StatusTable.render(List.of()));
    }
}
