package dev.hearth.ota;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One payload of an update bundle as the manifest describes it: its name, the class of slot it is
 * written to ({@code rootfs}, {@code boot}, … or {@link #KEYRING}), its size and SHA-256, and a
 * SHA-256 for every block of {@code blockSize} bytes (the last block may be shorter), concatenated
 * and base64-encoded in {@code blockHashes}.
 */
public record Payload(String name, String slotClass, long size, String sha256, int blockSize, String blockHashes) {

    /** The slot class of a payload that carries a new keyring (PEM CA certificates), not a slot image. */
    public static final String KEYRING = "keyring";

    private static final String NAME = "[a-z0-9][a-z0-9._-]{0,63}";

    public Payload {
        Objects.requireNonNull(name, "payload name");
        Objects.requireNonNull(slotClass, "payload slotClass");
        Objects.requireNonNull(sha256, "payload sha256");
        Objects.requireNonNull(blockHashes, "payload blockHashes");
        if (!name.matches(NAME)) {
            throw new IllegalArgumentException("payload name '" + name + "' must match " + NAME);
        }
        if (!slotClass.matches(NAME)) {
            throw new IllegalArgumentException("payload '" + name + "': slot class '" + slotClass + "' must match " + NAME);
        }
        if (size < 0) {
            throw new IllegalArgumentException("payload '" + name + "': negative size " + size);
        }
        if (blockSize < 512 || Integer.bitCount(blockSize) != 1 || blockSize > (1 << 24)) {
            throw new IllegalArgumentException("payload '" + name + "': block size " + blockSize
                    + " must be a power of two from 512 to 16 MiB");
        }
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("payload '" + name + "': sha256 must be 64 lower-case hex digits");
        }
        long blocks = blockCount(size, blockSize);
        byte[] hashes;
        try {
            hashes = Base64.getDecoder().decode(blockHashes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("payload '" + name + "': blockHashes is not base64", e);
        }
        if (hashes.length != blocks * 32) {
            throw new IllegalArgumentException("payload '" + name + "': " + hashes.length / 32 + " block hashes for "
                    + blocks + " blocks");
        }
    }

    /** Builds a payload description from raw hashes. */
    public static Payload of(String name, String slotClass, long size, byte[] sha256, int blockSize, byte[] blockHashes) {
        return new Payload(name, slotClass, size, HexFormat.of().formatHex(sha256), blockSize,
                Base64.getEncoder().encodeToString(blockHashes));
    }

    static long blockCount(long size, int blockSize) {
        return (size + blockSize - 1) / blockSize;
    }

    @JsonIgnore
    public long blockCount() {
        return blockCount(size, blockSize);
    }

    /** The expected SHA-256 of every block, 32 bytes each, in order. */
    @JsonIgnore
    public byte[] blockHashBytes() {
        return Base64.getDecoder().decode(blockHashes);
    }

    @JsonIgnore
    public byte[] sha256Bytes() {
        return HexFormat.of().parseHex(sha256);
    }

    @JsonIgnore
    public boolean isKeyring() {
        return KEYRING.equals(slotClass);
    }
}
