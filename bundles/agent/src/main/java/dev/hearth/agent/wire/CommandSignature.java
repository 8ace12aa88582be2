package dev.hearth.agent.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Hearth's signed commands: the hub signs, with Ed25519, the SHA-256 digest of the request topic,
 * its body, its request id and its expiry; the device checks it against the hub keys it trusts.
 * Each part is length-prefixed so that no two different requests share a digest.
 *
 * <p>Keys travel as Base64 of their standard DER encodings: X.509 SubjectPublicKeyInfo for public
 * keys, PKCS#8 for private keys (files may be PEM).
 */
public final class CommandSignature {

    private static final String ALGORITHM = "Ed25519";

    private CommandSignature() {
    }

    public static byte[] digest(String topic, byte[] body, String requestId, long expiresAtMillis) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] r = requestId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(4 + t.length + 4 + body.length + 4 + r.length + 8);
        buf.putInt(t.length).put(t).putInt(body.length).put(body).putInt(r.length).put(r).putLong(expiresAtMillis);
        try {
            return MessageDigest.getInstance("SHA-256").digest(buf.array());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    public static byte[] sign(PrivateKey key, String topic, byte[] body, String requestId, long expiresAtMillis) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(digest(topic, body, requestId, expiresAtMillis));
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with the given key: " + e.getMessage(), e);
        }
    }

    public static boolean verify(PublicKey key, byte[] signature, String topic, byte[] body, String requestId,
                                 long expiresAtMillis) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(digest(topic, body, requestId, expiresAtMillis));
            return s.verify(signature);
        } catch (java.security.SignatureException e) {
            return false; // a malformed signature is a signature that does not verify
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot verify with the given key: " + e.getMessage(), e);
        }
    }

    public static KeyPair generateKeyPair() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no Ed25519", e);
        }
    }

    /** A public key from Base64 of its X.509 encoding. */
    public static PublicKey publicKey(String base64) {
        try {
            return KeyFactory.getInstance(ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.trim())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 public key (Base64 of X.509 DER): " + e.getMessage(), e);
        }
    }

    /** A private key from a file holding PKCS#8, PEM or bare Base64. */
    public static PrivateKey readPrivateKey(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII)
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance(ALGORITHM)
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(text)));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the private key " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not an Ed25519 private key (PKCS#8): " + e.getMessage(), e);
        }
    }

    public static String encode(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    public static String pem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }
}
