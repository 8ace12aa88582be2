package dev.hearth.isolation.crun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Unpacks OCI images once into content-addressed directories named by manifest digest
 * ({@code <store>/sha256-<hex>/rootfs}), shared read-only by every container of that image.
 * Deploying the same image again, under any name or path, finds the directory and costs nothing.
 *
 * <p>An image reference is a path to an OCI image layout directory or an {@code oci-archive} tarball
 * (what {@code skopeo copy … oci-archive:} writes), relative paths against the image directory,
 * optionally followed by {@code :tag} (default: the only manifest, or the one tagged {@code latest}).
 * Layers are unpacked by {@code umoci raw unpack}, which checks every blob's digest.
 */
final class ImageStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final String REF_NAME = "org.opencontainers.image.ref.name";

    /** A file's identity for the cache: an archive rewritten in place is looked at again. */
    private record Source(Path path, String tag, long size, long modified) {
    }

    private final Path store;
    private final Path imageDirectory;
    private final Map<Source, Image> resolved = new ConcurrentHashMap<>();
    private final Object unpacking = new Object();

    ImageStore(Path store, Path imageDirectory) {
        this.store = store.toAbsolutePath().normalize();
        this.imageDirectory = imageDirectory.toAbsolutePath().normalize();
    }

    /** The unpacked image a spec's {@code image} names, unpacking it first when needed. */
    Image image(String reference) {
        String tag = "";
        String location = reference;
        int colon = reference.lastIndexOf(':');
        if (colon > 0 && reference.indexOf('/', colon) < 0) {
            tag = reference.substring(colon + 1);
            location = reference.substring(0, colon);
        }
        Path path = imageDirectory.resolve(location).normalize();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("image " + path + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read image " + path + ": " + e.getMessage(), e);
        }
        Source source = new Source(path, tag, attributes.size(), attributes.lastModifiedTime().toMillis());
        Image known = resolved.get(source);
        if (known != null) {
            return known;
        }
        synchronized (unpacking) {
            known = resolved.get(source);
            if (known == null) {
                known = attributes.isDirectory() ? fromLayout(path, tag, path) : fromArchive(path, tag);
                resolved.put(source, known);
            }
            return known;
        }
    }

    private Image fromArchive(Path archive, String tag) {
        Path scratch = scratch();
        try {
            Files.createDirectories(scratch);
            Process tar = new ProcessBuilder("tar", "-xf", archive.toString(), "-C", scratch.toString())
                    .redirectErrorStream(true).start();
            String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (tar.waitFor() != 0) {
                throw new IllegalStateException("image archive " + archive + " is corrupt or truncated: " + output);
            }
            return fromLayout(scratch, tag, archive);
        } catch (IOException e) {
            throw new IllegalStateException("cannot unpack image archive " + archive + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while unpacking " + archive, e);
        } finally {
            delete(scratch);
        }
    }

    private Image fromLayout(Path layout, String tag, Path origin) {
        JsonNode index = readJson(layout.resolve("index.json"), origin, "index.json");
        if (!Files.isRegularFile(layout.resolve("oci-layout"))) {
            throw new IllegalStateException("image " + origin + " is not an OCI image layout: it has no oci-layout file");
        }
        JsonNode chosen = null;
        List<String> tags = new ArrayList<>();
        for (JsonNode entry : index.path("manifests")) {
            String name = entry.path("annotations").path(REF_NAME).asText("");
            tags.add(name);
            if (tag.isEmpty() ? (index.path("manifests").size() == 1 || name.equals("latest")) : name.equals(tag)) {
                chosen = entry;
            }
        }
        if (chosen == null) {
            throw new IllegalStateException("image " + origin + " has no manifest " + (tag.isEmpty()
                    ? "tagged 'latest'" : "tagged '" + tag + "'") + " (tags: " + tags + ")");
        }
        String digest = chosen.path("digest").asText("");
        if (!DIGEST.matcher(digest).matches()) {
            throw new IllegalStateException("image " + origin + " names a manifest by an unsupported digest '"
                    + digest + "' (sha256 only)");
        }
        String refName = chosen.path("annotations").path(REF_NAME).asText("");
        Path unpacked = store.resolve(digest.replace(':', '-'));
        Path config = unpacked.resolve("image-config.json");
        if (!Files.isRegularFile(config)) {
            unpack(layout, refName, digest, origin, unpacked);
        }
        return describe(digest, unpacked, readJson(config, origin, "its image config"));
    }

    private void unpack(Path layout, String refName, String digest, Path origin, Path unpacked) {
        if (refName.isEmpty()) {
            throw new IllegalStateException("image " + origin + ": manifest " + digest + " has no "
                    + REF_NAME + " annotation to unpack it by");
        }
        JsonNode manifest = readJson(blob(layout, digest), origin, "manifest " + digest);
        String configDigest = manifest.path("config").path("digest").asText("");
        if (!DIGEST.matcher(configDigest).matches()) {
            throw new IllegalStateException("image " + origin + ": manifest " + digest + " has no usable config digest");
        }
        Path scratch = scratch();
        try {
            Files.createDirectories(scratch);
            Process umoci = new ProcessBuilder("umoci", "raw", "unpack", "--image", layout + ":" + refName,
                    scratch.resolve("rootfs").toString()).redirectErrorStream(true).start();
            String output = new String(umoci.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (umoci.waitFor() != 0) {
                throw new IllegalStateException("image " + origin + " cannot be unpacked (corrupt or incomplete?): "
                        + output);
            }
            Path rootfs = scratch.resolve("rootfs");
            // Mount points the runtime config uses: made here once, as the root is read-only later.
            for (String mountPoint : List.of("proc", "dev", "sys", "tmp", "data", "run/hearth")) {
                Files.createDirectories(rootfs.resolve(mountPoint));
            }
            Path configBlob = blob(layout, configDigest);
            readJson(configBlob, origin, "image config " + configDigest);
            Files.copy(configBlob, scratch.resolve("image-config.json"));
            Files.move(scratch, unpacked, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot unpack image " + origin + " into " + unpacked + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while unpacking " + origin, e);
        } finally {
            delete(scratch);
        }
    }

    private static Image describe(String digest, Path unpacked, JsonNode imageConfig) {
        JsonNode config = imageConfig.path("config");
        List<String> argv = new ArrayList<>();
        config.path("Entrypoint").forEach(n -> argv.add(n.asText()));
        config.path("Cmd").forEach(n -> argv.add(n.asText()));
        List<String> env = new ArrayList<>();
        config.path("Env").forEach(n -> env.add(n.asText()));
        Map<String, String> labels = new LinkedHashMap<>();
        config.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        String workingDir = config.path("WorkingDir").asText("");
        return new Image(digest, unpacked.resolve("rootfs"), argv, env, workingDir.isEmpty() ? "/" : workingDir,
                labels);
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
    }

    private static JsonNode readJson(Path file, Path origin, String what) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("image " + origin + ": cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    private Path scratch() {
        return store.resolve(".incoming-" + System.nanoTime() + "-" + Thread.currentThread().getId());
    }

    private static void delete(Path tree) {
        if (!Files.exists(tree)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete " + tree + ": " + e.getMessage(), e);
        }
    }

}
