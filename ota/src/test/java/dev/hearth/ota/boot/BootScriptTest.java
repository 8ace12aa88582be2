package dev.hearth.ota.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BootScriptTest {

    private static List<String> boots(BootSelection s, int n) {
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BootScript.Choice c = BootScript.boot(s);
            chosen.add(c.bootName().orElse("-"));
            s = c.saved();
        }
        return chosen;
    }

    @Test
    void aNewSlotThatNeverMarksItselfGoodIsTriedThreeTimesThenTheOldSlotBoots() {
        BootSelection s = BootSelection.initial("A", "B").markBad("B").markActive("B");
        assertEquals(List.of("B", "B", "B", "A", "A", "A"), boots(s, 6));
    }

    @Test
    void aSlotMarkedGoodOnEveryBootKeepsBooting() {
        BootSelection s = BootSelection.initial("A", "B").markActive("B");
        for (int i = 0; i < 10; i++) {
            BootScript.Choice c = BootScript.boot(s);
            assertEquals(Optional.of("B"), c.bootName());
            s = c.saved().markGood("B");
        }
    }

    @Test
    void aSlotMarkedBadIsNeverBootedAndWhenAllAreSpentTheOrderStartsOver() {
        BootSelection s = BootSelection.initial("A", "B").markBad("B");
        assertEquals(List.of("A", "A", "A", "A", "A"), boots(s, 5));
        assertEquals(Optional.empty(), BootScript.boot(s.markBad("A")).bootName());
    }
}
