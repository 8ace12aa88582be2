package dev.hearth.services.notes;

import java.util.Objects;

/**
 * What a client sends to create or replace a note.
 *
 * @param title never blank
 * @param body  free text, empty when the client sent none
 */
public record NoteDraft(String title, String body) implements DraftReading {
    public NoteDraft {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(body, "body");
        if (title.isBlank()) {
            throw new IllegalArgumentException("a note title must not be blank");
        }
    }
}
