package dev.hearth.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The distribution's {@code bundles/} folder: every jar in it is a required OSGi bundle, and this
 * is the order they start in. (The OSGi APIs the launcher uses itself, SLF4J included, come from
 * the system bundle: see {@link SystemPackages}.)
 *
 * <ol>
 *   <li>{@link #FIRST}: Config Admin. The launcher then loads {@code etc/} into it, so that no
 *       component ever activates without its configuration.</li>
 *   <li>{@link #EXTENDERS}: Event Admin, then SCR, which activates components as bundles start.</li>
 *   <li>Every other bundle, by symbolic name.</li>
 * </ol>
 */
public final class BundleFolder {

    /** Started before configuration is loaded, in this order. All required. */
    public static final List<String> FIRST = List.of("org.apache.felix.configadmin");

    /** Started right after configuration is loaded, in this order. All required. */
    public static final List<String> EXTENDERS = List.of("org.apache.felix.eventadmin", "org.apache.felix.scr");

    private final Path directory;
    private final Map<String, BundleJar> bySymbolicName;

    private BundleFolder(Path directory, Map<String, BundleJar> bySymbolicName) {
        this.directory = directory;
        this.bySymbolicName = bySymbolicName;
    }

    /**
     * Reads the manifest of every {@code *.jar} in the folder.
     *
     * @throws LaunchException naming the folder or jar when one is not a bundle, a symbolic name
     *                         appears twice, or a framework service is missing
     */
    public static BundleFolder read(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new LaunchException("bundle folder " + directory + " does not exist");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new LaunchException("cannot list bundle folder " + directory + ": " + e, e);
        }
        Map<String, BundleJar> bySymbolicName = new LinkedHashMap<>();
        for (Path file : files) {
            BundleJar jar = BundleJar.read(file);
            BundleJar other = bySymbolicName.putIfAbsent(jar.symbolicName(), jar);
            if (other != null) {
                throw new LaunchException(directory + ": bundle " + jar.symbolicName() + " is there twice: "
                        + other.file().getFileName() + " and " + file.getFileName());
            }
        }
        for (String required : concat(FIRST, EXTENDERS)) {
            if (!bySymbolicName.containsKey(required)) {
                throw new LaunchException(directory + ": the framework service bundle " + required + " is missing");
            }
        }
        return new BundleFolder(directory, bySymbolicName);
    }

    /** The folder. */
    public Path directory() {
        return directory;
    }

    /** Every bundle, in start order. */
    public List<BundleJar> startOrder() {
        return concat(first(), rest());
    }

    /** The bundles started before configuration is loaded. */
    public List<BundleJar> first() {
        return FIRST.stream().map(bySymbolicName::get).toList();
    }

    /** The bundles started after configuration is loaded: the extenders, then the rest by symbolic name. */
    public List<BundleJar> rest() {
        List<BundleJar> others = bySymbolicName.values().stream()
                .filter(b -> !FIRST.contains(b.symbolicName()) && !EXTENDERS.contains(b.symbolicName()))
                .sorted(Comparator.comparing(BundleJar::symbolicName))
                .toList();
        return concat(EXTENDERS.stream().map(bySymbolicName::get).toList(), others);
    }

    /** How many bundles there are. */
    public int size() {
        return bySymbolicName.size();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
