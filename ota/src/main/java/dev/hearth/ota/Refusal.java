package dev.hearth.ota;

/** Why an update bundle is refused before anything is written. */
public enum Refusal {
    /** The bundle carries no signature. */
    UNSIGNED,
    /** The signature is not a well-formed detached CMS SignedData with one signer and a signing time. */
    MALFORMED_SIGNATURE,
    /** The signature does not match the manifest bytes: the manifest was changed after signing. */
    TAMPERED,
    /** The signer's certificate chain does not reach a CA of the keyring. */
    UNKNOWN_SIGNER,
    /** A certificate of the signer's chain was not valid at the signing time. */
    EXPIRED_AT_SIGNING,
    /** The signed manifest is not a valid manifest. */
    MALFORMED_MANIFEST,
    /** The manifest is for another board. */
    WRONG_BOARD,
    /** The manifest's anti-rollback counter is below the installed one and the install is not forced. */
    DOWNGRADE,
    /** The bundle is not a readable {@code .hup} file (bad magic, truncated header). */
    MALFORMED_BUNDLE,
    /** A payload has no slot of its class on this board. */
    NO_SLOT
}
