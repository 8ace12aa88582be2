package dev.hearth.services.notes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NoteIdTest {

    @Test
    void randomIdsAreTwentyTwoUrlSafeCharactersAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String id = NoteId.random().value();
            assertTrue(id.matches("[A-Za-z0-9_-]{22}"), id);
            seen.add(id);
        }
        assertEquals(1_000, seen.size());
    }

    @Test
    void onlyTextOfTheIdFormatParses() {
        NoteId id = NoteId.random();

        assertEquals(Optional.of(id), NoteId.parse(id.value()));
        for (String text : new String[] {"", "..", "../x", "..%2F..", id.value() + "/", id.value() + ".json",
                "." + id.value().substring(1), id.value().substring(1), id.value() + "A", "a/b"}) {
            assertEquals(Optional.empty(), NoteId.parse(text), text);
        }
        assertThrows(IllegalArgumentException.class, () -> new NoteId("../../etc/passwd"));
    }
}
