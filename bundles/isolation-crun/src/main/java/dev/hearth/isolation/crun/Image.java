package dev.hearth.isolation.crun;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An unpacked OCI image: a read-only root filesystem shared by every container of it, and what its
 * image config says to run.
 *
 * @param digest     the manifest digest ({@code sha256:…}): the image's identity
 * @param rootfs     the unpacked root filesystem; never written by containers
 * @param argv       entrypoint followed by cmd
 * @param env        {@code NAME=value} entries from the image config
 * @param workingDir where the process starts ({@code /} when the image does not say)
 * @param labels     image config labels ({@value #HOST_JAVA_LABEL} asks for the host's JRE)
 */
record Image(String digest, Path rootfs, List<String> argv, List<String> env, String workingDir,
             Map<String, String> labels) {

    /** The image label naming where the host's Java runtime is mounted read-only, e.g. {@code /opt/java}. */
    static final String HOST_JAVA_LABEL = "dev.hearth.host-java";

    Image {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(rootfs, "rootfs");
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        Objects.requireNonNull(workingDir, "workingDir");
        labels = Map.copyOf(labels);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("image " + digest + " has neither Entrypoint nor Cmd");
        }
    }
}
