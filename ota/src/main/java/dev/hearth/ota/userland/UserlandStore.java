package dev.hearth.ota.userland;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The userland store: versioned directories of OSGi bundle jars under one root, and symbolic links
 * naming the sets that matter.
 *
 * <pre>
 * &lt;root&gt;/1.4.0/*.jar          a complete, fsynced set (one directory per version)
 * &lt;root&gt;/current  -&gt; 1.4.0     the set the launcher starts; absent: the distribution's bundles/
 * &lt;root&gt;/previous -&gt; 1.3.2     the set a rollback returns to; absent: the distribution's bundles/
 * &lt;root&gt;/confirmed -&gt; 1.3.2    the last set proved healthy
 * &lt;root&gt;/tried    -&gt; 1.4.0     an unconfirmed current a launcher has started once
 * &lt;root&gt;/.incoming/           a set being installed (never started; removed by the next install)
 * </pre>
 *
 * Every link changes by creating {@code <name>.new} and renaming it over {@code <name>} (one atomic
 * {@code rename(2)}), then forcing the root directory, so a power cut leaves the old or the new link.
 * The store keeps nothing in memory: every call reads the links again. Not thread-safe across
 * writers: one updater (or launcher) changes it at a time.
 */
public final class UserlandStore {

    private static final Logger LOG = LoggerFactory.getLogger(UserlandStore.class);

    /** What a version may be called: it names a directory. */
    public static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");

    static final String CURRENT = "current";
    static final String PREVIOUS = "previous";
    static final String CONFIRMED = "confirmed";
    static final String TRIED = "tried";
    static final String STAGING = ".incoming";
    private static final String NEW = ".new";
    private static final List<String> LINKS = List.of(CURRENT, PREVIOUS, CONFIRMED, TRIED);

    private final Path root;

    /** A store at {@code root}; does no I/O (the root is created by the first install). */
    public UserlandStore(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The directory of a version's set. */
    public Path directory(String version) {
        return root.resolve(requireVersion(version));
    }

    /**
     * The version, when it may name a set: {@link #VERSION}, and none of the link names.
     *
     * @throws IllegalArgumentException naming the version and the rule
     */
    public static String requireVersion(String version) {
        Objects.requireNonNull(version, "version");
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("userland version '" + version + "' cannot name a directory: it must match "
                    + VERSION.pattern());
        }
        for (String link : LINKS) {
            if (version.equals(link) || version.equals(link + NEW)) {
                throw new IllegalArgumentException("userland version '" + version + "' is a name the store uses itself");
            }
        }
        return version;
    }

    /** Reads the links. A root that does not exist yet is an empty store. */
    public UserlandState state() throws IOException {
        return new UserlandState(link(CURRENT), link(PREVIOUS), link(CONFIRMED), link(TRIED));
    }

    /** The directory of the current set; empty when the distribution's own bundles are current. */
    public Optional<Path> currentDirectory() throws IOException {
        return link(CURRENT).map(root::resolve);
    }

    /** Removes what an interrupted install or switch left: the staging directory, {@code *.new} links, unnamed sets. */
    public void clean() throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        deleteTree(root.resolve(STAGING));
        for (String link : LINKS) {
            Files.deleteIfExists(root.resolve(link + NEW));
        }
        collectGarbage();
        forceDirectory(root);
    }

    /** An empty staging directory for a set being installed (any earlier one removed). */
    Path prepareStaging() throws IOException {
        Files.createDirectories(root);
        Path staging = root.resolve(STAGING);
        deleteTree(staging);
        Files.createDirectory(staging);
        forceDirectory(root);
        return staging;
    }

    /** Removes the staging directory (an install that did not complete). */
    void discardStaging() throws IOException {
        deleteTree(root.resolve(STAGING));
        forceDirectory(root);
    }

    /**
     * Makes the staged, complete set the version {@code version} and switches {@code current} to it. The
     * old current becomes {@code previous} when it was confirmed (otherwise {@code previous} stays, so it
     * always names a set that proved healthy, or the distribution's).
     *
     * @throws IllegalStateException when the store already holds this version
     */
    void adopt(Path staged, String version) throws IOException {
        requireVersion(version);
        UserlandState before = state();
        requireNew(before, version);
        Path target = root.resolve(version);
        deleteTree(target); // garbage of an interrupted earlier attempt: no link names it
        forceDirectory(staged);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(root);
        if (before.current().isPresent() && before.current().equals(before.confirmed())) {
            setLink(PREVIOUS, before.current().get());
        }
        setLink(CURRENT, version);
        Files.deleteIfExists(root.resolve(TRIED));
        forceDirectory(root);
        LOG.info("Userland store: current is {} (previous {})", version,
                state().previous().orElse("the distribution's bundles"));
        collectGarbage();
    }

    /** Fails when {@code version} is already one of the store's sets: versions are never rewritten. */
    static void requireNew(UserlandState state, String version) {
        for (Optional<String> v : List.of(state.current(), state.previous(), state.confirmed())) {
            if (v.filter(version::equals).isPresent()) {
                throw new IllegalStateException("userland version " + version + " is already in the store ("
                        + state + "); a new set needs a new version");
            }
        }
    }

    /** Records that a launcher starts the unconfirmed current set now: a second start without a confirmation rolls back. */
    public void markTried() throws IOException {
        String current = link(CURRENT).orElseThrow(() -> new IllegalStateException(
                "userland store: no current set to try; the distribution's bundles are current"));
        setLink(TRIED, current);
        forceDirectory(root);
    }

    /** The current set proved healthy. */
    public void confirm() throws IOException {
        String current = link(CURRENT).orElseThrow(() -> new IllegalStateException(
                "userland store: no current set to confirm; the distribution's bundles are current"));
        setLink(CONFIRMED, current);
        Files.deleteIfExists(root.resolve(TRIED));
        forceDirectory(root);
        LOG.info("Userland store: {} confirmed", current);
        collectGarbage();
    }

    /**
     * Switches {@code current} back to {@code previous} (or to the distribution's bundles when there is
     * no previous set) and deletes the set that was current.
     *
     * @return the state after the rollback
     * @throws IllegalStateException when the distribution's bundles are already current
     */
    public UserlandState rollback() throws IOException {
        UserlandState before = state();
        String failed = before.current().orElseThrow(() -> new IllegalStateException(
                "userland store: nothing to roll back to; the distribution's bundles are current"));
        if (before.previous().isPresent()) {
            setLink(CURRENT, before.previous().get());
            Files.deleteIfExists(root.resolve(PREVIOUS));
        } else {
            Files.delete(root.resolve(CURRENT));
        }
        Files.deleteIfExists(root.resolve(TRIED));
        if (before.confirmed().filter(failed::equals).isPresent()) {
            Files.delete(root.resolve(CONFIRMED));
        }
        forceDirectory(root);
        UserlandState after = state();
        LOG.info("Userland store: rolled back from {} to {}", failed,
                after.current().orElse("the distribution's bundles"));
        collectGarbage();
        return after;
    }

    private Optional<String> link(String name) throws IOException {
        Path link = root.resolve(name);
        Path target;
        try {
            target = Files.readSymbolicLink(link);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (java.nio.file.NotLinkException e) {
            throw new IOException("userland store: " + link + " is not a symbolic link", e);
        }
        String version = target.toString();
        if (!VERSION.matcher(version).matches() || !Files.isDirectory(root.resolve(version), LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("userland store: " + link + " points at '" + version + "', which is no set in " + root);
        }
        return Optional.of(version);
    }

    /** {@code name.new -> version}, renamed over {@code name}. The caller forces the root. */
    private void setLink(String name, String version) throws IOException {
        Path fresh = root.resolve(name + NEW);
        Files.deleteIfExists(fresh);
        try {
            Files.createSymbolicLink(fresh, Path.of(version));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("userland store: " + fresh + " appeared while switching", e);
        }
        Files.move(fresh, root.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes every set no link names. */
    private void collectGarbage() throws IOException {
        UserlandState s = state();
        Set<String> kept = new HashSet<>();
        for (Optional<String> v : List.of(s.current(), s.previous(), s.confirmed())) {
            v.ifPresent(kept::add);
        }
        List<Path> garbage = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && VERSION.matcher(name).matches()
                        && !kept.contains(name)) {
                    garbage.add(p);
                }
            }
        }
        for (Path p : garbage) {
            deleteTree(p);
            LOG.info("Userland store: set {} deleted", p.getFileName());
        }
        if (!garbage.isEmpty()) {
            forceDirectory(root);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** {@code fsync} of a directory: its entries (renames, new files, links) are durable. */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public String toString() {
        return "userland store " + root;
    }
}
