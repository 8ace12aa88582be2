package dev.hearth.services.notes;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The id of a note: 128 random bits as 22 characters of unpadded base64url. It is also the note's
 * file name (with {@code .json}), so only text matching the format ever becomes an id: nothing a
 * client sends can name another path.
 *
 * @param value the 22 characters
 */
public record NoteId(String value) {

    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    public NoteId {
        Objects.requireNonNull(value, "value");
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("a note id is 22 base64url characters, was '" + value + "'");
        }
    }

    /** A fresh id, unique for all practical purposes. */
    public static NoteId random() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return new NoteId(BASE64URL.encodeToString(bits));
    }

    /** The id spelled by {@code text}, when it has the id format. */
    public static Optional<NoteId> parse(String text) {
        return FORMAT.matcher(text).matches() ? Optional.of(new NoteId(text)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
