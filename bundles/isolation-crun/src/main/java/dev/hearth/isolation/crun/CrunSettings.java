package dev.hearth.isolation.crun;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The driver's settings, validated.
 *
 * @param runDirectory      containers' directories, sockets and crun's state (tmpfs on a board:
 *                          nothing here survives a reboot); keep it short, socket paths are limited
 *                          to 107 bytes
 * @param storeDirectory    unpacked images, by manifest digest
 * @param imageDirectory    where relative image references in specs are looked up
 * @param crun              the crun executable
 * @param pidsLimit         processes and threads per container
 * @param tmpfsBytes        size of each container's {@code /tmp}
 * @param reservePerService the most sandboxes created ahead for one service
 * @param reserveWindowMillis activations counted as recent demand
 * @param reserveKeepMillis a service not activated for this long keeps no sandbox created ahead
 * @param hostJava          the Java home mounted into images that ask for the host's JRE
 */
public record CrunSettings(Path runDirectory, Path storeDirectory, Path imageDirectory, String crun, int pidsLimit,
                           long tmpfsBytes, int reservePerService, long reserveWindowMillis, long reserveKeepMillis,
                           Path hostJava) {

    public CrunSettings {
        Objects.requireNonNull(runDirectory, "runDirectory");
        Objects.requireNonNull(storeDirectory, "storeDirectory");
        Objects.requireNonNull(imageDirectory, "imageDirectory");
        Objects.requireNonNull(crun, "crun");
        Objects.requireNonNull(hostJava, "hostJava");
        require(!crun.isBlank(), "crun must not be blank");
        require(pidsLimit >= 1, "pidsLimit must be at least 1, was " + pidsLimit);
        require(tmpfsBytes >= 4096, "tmpfsBytes must be at least 4096, was " + tmpfsBytes);
        require(reservePerService >= 0, "reservePerService must not be negative, was " + reservePerService);
        require(reserveWindowMillis >= 1, "reserveWindowMillis must be at least 1, was " + reserveWindowMillis);
        require(reserveKeepMillis >= 0, "reserveKeepMillis must not be negative, was " + reserveKeepMillis);
        require(runDirectory.toAbsolutePath().toString().length() <= 60,
                "runDirectory must be at most 60 characters (socket paths are short), was " + runDirectory);
    }

    /** Defaults under a run directory and a state directory. */
    public static CrunSettings defaults(Path runDirectory, Path stateDirectory) {
        return new CrunSettings(runDirectory, stateDirectory.resolve("crun-images"), Path.of("images"), "crun", 128,
                16L << 20, 2, 10_000, 600_000, Path.of(System.getProperty("java.home")));
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("crun driver settings: " + problem);
        }
    }
}
