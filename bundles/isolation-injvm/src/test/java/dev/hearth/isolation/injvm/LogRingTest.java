package dev.hearth.isolation.injvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogRingTest {

    @Test
    void aFullRingDropsItsOldestLines() {
        LogRing ring = new LogRing(3);
        for (int i = 1; i <= 5; i++) {
            ring.add("event " + i);
        }

        List<String> tail = ring.tail(10);

        assertEquals(3, tail.size());
        assertTrue(tail.get(0).endsWith(" event 3"));
        assertTrue(tail.get(2).endsWith(" event 5"));
    }

    @Test
    void theTailIsTheNewestLinesOldestFirst() {
        LogRing ring = new LogRing(8);
        ring.add("first");
        ring.add("second");
        ring.add("third");

        List<String> tail = ring.tail(2);

        assertEquals(2, tail.size());
        assertTrue(tail.get(0).endsWith(" second"));
        assertTrue(tail.get(1).endsWith(" third"));
        assertEquals(List.of(), ring.tail(0));
    }

    @Test
    void aNegativeTailIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LogRing(4).tail(-1));
    }
}
