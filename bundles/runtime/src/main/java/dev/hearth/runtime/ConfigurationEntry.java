package dev.hearth.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One configuration for Config Admin: a singleton PID, or one named configuration of a factory
 * PID. Values are strings; typed component configurations convert them.
 *
 * @param pid         the PID, or the factory PID when {@code factoryName} is present
 * @param factoryName the name of a factory configuration
 * @param properties  keys and values, in file order
 * @param origin      where it came from, for messages: a file, or the command line
 */
public record ConfigurationEntry(String pid, Optional<String> factoryName, Map<String, String> properties,
                                 String origin) {

    public ConfigurationEntry {
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(factoryName, "factoryName");
        properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        Objects.requireNonNull(origin, "origin");
    }

    /** {@code pid} or {@code factoryPid~name}: two entries with the same key are the same configuration. */
    public String key() {
        return factoryName.map(name -> pid + "~" + name).orElse(pid);
    }

    /** This entry with one property set, noting where the value came from. */
    public ConfigurationEntry with(String key, String value, String valueOrigin) {
        Map<String, String> changed = new LinkedHashMap<>(properties);
        changed.put(key, value);
        return new ConfigurationEntry(pid, factoryName, changed, origin + " + " + valueOrigin);
    }
}
