package dev.hearth.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every configuration the launcher loads into Config Admin: the files of {@code etc/}, then of
 * each overlay directory in order (a file for the same PID or factory configuration replaces the
 * earlier one whole), then single values given on the command line. Immutable.
 */
public final class ConfigurationSet {

    private final Map<String, ConfigurationEntry> entries;

    private ConfigurationSet(Map<String, ConfigurationEntry> entries) {
        this.entries = entries;
    }

    /**
     * Reads the {@code *.cfg} files directly in each directory (not in sub-directories), in file
     * name order, later directories overriding earlier ones.
     *
     * @throws LaunchException when a directory is missing or a file is bad, naming it
     */
    public static ConfigurationSet read(List<Path> directories) {
        Map<String, ConfigurationEntry> entries = new LinkedHashMap<>();
        for (Path directory : directories) {
            for (Path file : configurationFiles(directory)) {
                ConfigurationEntry entry = ConfigurationFile.read(file);
                entries.remove(entry.key());
                entries.put(entry.key(), entry);
            }
        }
        return new ConfigurationSet(entries);
    }

    private static List<Path> configurationFiles(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new LaunchException("configuration directory " + directory + " does not exist");
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(ConfigurationFile::isConfigurationFile)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new LaunchException("cannot list configuration directory " + directory + ": " + e, e);
        }
    }

    /** The configurations, in load order. */
    public Collection<ConfigurationEntry> entries() {
        return List.copyOf(entries.values());
    }

    /** The configuration of a singleton PID. */
    public Optional<ConfigurationEntry> find(String pid) {
        return Optional.ofNullable(entries.get(pid));
    }

    /** One value of a singleton PID's configuration. */
    public Optional<String> value(String pid, String key) {
        return find(pid).map(e -> e.properties().get(key));
    }

    /** This set with one value of a singleton PID replaced (or added), e.g. from the command line. */
    public ConfigurationSet with(String pid, String key, String value, String origin) {
        Map<String, ConfigurationEntry> changed = new LinkedHashMap<>(entries);
        ConfigurationEntry entry = changed.get(pid);
        changed.put(pid, entry == null
                ? new ConfigurationEntry(pid, Optional.empty(), Map.of(key, value), origin)
                : entry.with(key, value, origin));
        return new ConfigurationSet(changed);
    }

    /** How many configurations there are. */
    public int size() {
        return entries.size();
    }

    @Override
    public String toString() {
        return new ArrayList<>(entries.keySet()).toString();
    }
}
