package dev.hearth.services.notes;

/** What reading a request body for a new or replaced note gives: a {@link NoteDraft} or a {@link Problem}. */
public sealed interface DraftReading permits NoteDraft, Problem {
}
