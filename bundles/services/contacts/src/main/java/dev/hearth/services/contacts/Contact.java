package dev.hearth.services.contacts;

import java.util.Objects;

/**
 * One contact. Only {@code name} is required; the other fields are empty when unknown.
 *
 * @param id    given by the store: 16 lowercase hex digits
 * @param name  how the person is called, 1 to {@value #MAX_NAME} characters
 * @param email an e-mail address, free text up to {@value #MAX_FIELD} characters
 * @param phone a phone number, free text up to {@value #MAX_FIELD} characters
 * @param note  anything else, up to {@value #MAX_NOTE} characters
 */
public record Contact(String id, String name, String email, String phone, String note) {

    static final int MAX_NAME = 200;
    static final int MAX_FIELD = 200;
    static final int MAX_NOTE = 4000;

    public Contact {
        Objects.requireNonNull(id, "id");
        email = email == null ? "" : email;
        phone = phone == null ? "" : phone;
        note = note == null ? "" : note;
        if (!ContactStore.ID.matcher(id).matches()) {
            throw new IllegalArgumentException("id must be 16 lowercase hex digits");
        }
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw new IllegalArgumentException("name is required, at most " + MAX_NAME + " characters");
        }
        if (email.length() > MAX_FIELD || phone.length() > MAX_FIELD) {
            throw new IllegalArgumentException("email and phone are at most " + MAX_FIELD + " characters");
        }
        if (note.length() > MAX_NOTE) {
            throw new IllegalArgumentException("note is at most " + MAX_NOTE + " characters");
        }
    }
}
