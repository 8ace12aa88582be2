package dev.hearth.ota;

import java.security.cert.X509Certificate;
import java.time.Instant;

/** The outcome of checking an update bundle's manifest: verified, or refused with a reason. */
public sealed interface Verification {

    /** The manifest is authentic and acceptable for this device. */
    record Verified(Manifest manifest, X509Certificate signer, Instant signingTime) implements Verification {
    }

    /** The manifest is refused; {@code detail} says why in words. */
    record Refused(Refusal reason, String detail) implements Verification {
        @Override
        public String toString() {
            return reason + ": " + detail;
        }
    }
}
