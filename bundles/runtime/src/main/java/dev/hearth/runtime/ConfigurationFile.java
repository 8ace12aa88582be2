package dev.hearth.runtime;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configuration file in {@code etc/}: Java properties in UTF-8, named {@code <pid>.cfg} for a
 * singleton PID or {@code <factoryPid>~<name>.cfg} for one configuration of a factory PID.
 * Values are trimmed. A file that cannot be read fails with its name and the reason.
 */
public final class ConfigurationFile {

    /** The suffix of configuration files; other files in {@code etc/} are not configuration. */
    public static final String SUFFIX = ".cfg";

    private static final Pattern FILE_NAME =
            Pattern.compile("([A-Za-z0-9_][A-Za-z0-9_.-]*)(?:~([A-Za-z0-9_][A-Za-z0-9_.-]*))?\\.cfg");

    /** Keys that Config Admin sets itself. */
    private static final Set<String> RESERVED_KEYS =
            Set.of("service.pid", "service.factoryPid", "service.bundleLocation");

    private ConfigurationFile() {
    }

    /** Whether the file is meant as configuration, by its name. */
    public static boolean isConfigurationFile(Path file) {
        return file.getFileName().toString().endsWith(SUFFIX);
    }

    /**
     * Reads one configuration file.
     *
     * @throws LaunchException naming the file and what is wrong with it
     */
    public static ConfigurationEntry read(Path file) {
        String fileName = file.getFileName().toString();
        Matcher name = FILE_NAME.matcher(fileName);
        if (!name.matches()) {
            throw new LaunchException(file + ": not a configuration file name: expected <pid>.cfg or "
                    + "<factoryPid>~<name>.cfg, with letters, digits, '.', '-' and '_'");
        }
        Map<String, String> properties = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : load(file).entrySet()) {
            String key = e.getKey();
            if (key.isEmpty()) {
                throw new LaunchException(file + ": a line has a value but no key");
            }
            if (RESERVED_KEYS.contains(key)) {
                throw new LaunchException(file + ": key '" + key + "' is set by Config Admin, not by files");
            }
            properties.put(key, e.getValue().trim());
        }
        return new ConfigurationEntry(name.group(1), Optional.ofNullable(name.group(2)), properties,
                file.toString());
    }

    private static Map<String, String> load(Path file) {
        FileProperties loaded = new FileProperties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            loaded.load(reader);
        } catch (CharacterCodingException e) {
            throw new LaunchException(file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new LaunchException(file + ": cannot read: " + e, e);
        } catch (IllegalArgumentException e) {
            // Properties.load refuses a broken \\uXXXX escape this way.
            throw new LaunchException(file + ": not a properties file: " + e.getMessage(), e);
        }
        if (loaded.duplicate != null) {
            throw new LaunchException(file + ": key '" + loaded.duplicate + "' is set more than once");
        }
        return loaded.inOrder;
    }

    /** Properties that keep file order and notice a key given twice. */
    private static final class FileProperties extends Properties {

        private static final long serialVersionUID = 1L;

        private final transient Map<String, String> inOrder = new LinkedHashMap<>();
        private transient String duplicate;

        @Override
        public synchronized Object put(Object key, Object value) {
            String k = (String) key;
            if (inOrder.put(k, (String) value) != null && duplicate == null) {
                duplicate = k;
            }
            return super.put(key, value);
        }
    }
}
