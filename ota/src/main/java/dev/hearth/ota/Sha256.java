package dev.hearth.ota;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The one hash of update bundles: SHA-256, 32 bytes. */
public final class Sha256 {

    public static final int LENGTH = 32;

    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JRE has no SHA-256", e);
        }
    }

    /** Finishes {@code digest} into {@code out[offset .. offset+32)} and resets it. */
    public static void digestInto(MessageDigest digest, byte[] out, int offset) {
        try {
            digest.digest(out, offset, LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 into a 32-byte slot failed", e);
        }
    }
}
