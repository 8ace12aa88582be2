package dev.hearth.runtime;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Objects;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a {@link ConfigurationSet} into Config Admin: singleton PIDs with
 * {@link ConfigurationAdmin#getConfiguration(String, String)}, factory configurations with
 * {@link ConfigurationAdmin#getFactoryConfiguration(String, String, String)}, both bound to any
 * bundle (location {@code "?"}).
 */
final class ConfigurationInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationInstaller.class);
    private static final String ANY_LOCATION = "?";

    private final ConfigurationAdmin admin;

    ConfigurationInstaller(ConfigurationAdmin admin) {
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    /** @throws LaunchException naming the configuration that Config Admin refused */
    void install(ConfigurationSet configurations) {
        for (ConfigurationEntry entry : configurations.entries()) {
            try {
                Configuration configuration = entry.factoryName().isPresent()
                        ? admin.getFactoryConfiguration(entry.pid(), entry.factoryName().get(), ANY_LOCATION)
                        : admin.getConfiguration(entry.pid(), ANY_LOCATION);
                configuration.update(new Hashtable<String, Object>(entry.properties()));
                LOG.debug("Configuration {} loaded from {}", entry.key(), entry.origin());
            } catch (IOException | RuntimeException e) {
                throw new LaunchException("Config Admin refused configuration " + entry.key() + " from "
                        + entry.origin() + ": " + e.getMessage(), e);
            }
        }
    }
}
