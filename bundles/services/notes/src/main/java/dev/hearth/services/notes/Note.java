package dev.hearth.services.notes;

import java.time.Instant;
import java.util.Objects;

/**
 * One note, as stored and as answered.
 *
 * @param id      its id
 * @param title   never blank
 * @param body    free text, possibly empty
 * @param created when it was created
 * @param updated when its title and body were last replaced (equal to {@code created} until then)
 */
public record Note(NoteId id, String title, String body, Instant created, Instant updated) {
    public Note {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(updated, "updated");
        if (title.isBlank()) {
            throw new IllegalArgumentException("a note title must not be blank");
        }
    }
}
