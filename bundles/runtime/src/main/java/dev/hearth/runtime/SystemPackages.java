package dev.hearth.runtime;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.log.LogService;
import org.osgi.util.function.Function;
import org.osgi.util.promise.Promise;
import org.slf4j.Logger;

/**
 * The packages the system bundle exports besides the framework's own
 * ({@code org.osgi.framework.system.packages.extra}): the APIs that live on the launcher class
 * path so that the launcher and the bundles share one copy of their classes. SLF4J (one logging
 * back end for everything), Config Admin and the DS runtime (the launcher loads configuration and
 * checks components), the Log Service (the launcher bridges it to SLF4J), and Promise and Function
 * (which the DS runtime API uses). Each jar's own {@code Export-Package} header is taken as is,
 * versions included.
 */
final class SystemPackages {

    /** One class of each API jar whose packages the system bundle exports. */
    static final List<Class<?>> API_JARS = List.of(Logger.class, ConfigurationAdmin.class, LogService.class,
            ServiceComponentRuntime.class, Promise.class, Function.class);

    private SystemPackages() {
    }

    /**
     * The value of {@code org.osgi.framework.system.packages.extra}.
     *
     * @throws LaunchException when an API jar cannot be read
     */
    static String extra() {
        return API_JARS.stream().map(SystemPackages::exportsOf).collect(Collectors.joining(","));
    }

    private static String exportsOf(Class<?> anchor) {
        CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (source == null) {
            throw new LaunchException("cannot tell which jar holds " + anchor.getName());
        }
        Path jar;
        try {
            jar = Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new LaunchException("cannot locate the jar of " + anchor.getName() + ": " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(jar)) {
            throw new LaunchException(anchor.getName() + " does not come from a jar but from " + jar);
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String exports = manifest == null ? null : manifest.getMainAttributes().getValue("Export-Package");
            if (exports == null || exports.isBlank()) {
                throw new LaunchException(jar + ": no Export-Package header, cannot export " + anchor.getPackageName());
            }
            return exports;
        } catch (IOException e) {
            throw new LaunchException(jar + ": cannot read its manifest: " + e.getMessage(), e);
        }
    }
}
