package dev.hearth.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * One jar in the distribution's {@code bundles/} folder, as its manifest describes it.
 *
 * @param file          the jar
 * @param symbolicName  its {@code Bundle-SymbolicName}, without directives
 * @param version       its {@code Bundle-Version}, {@code 0.0.0} when absent
 * @param fragment      whether it is a fragment (it has a {@code Fragment-Host}): resolved, never started
 */
public record BundleJar(Path file, String symbolicName, String version, boolean fragment) {

    public BundleJar {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(symbolicName, "symbolicName");
        Objects.requireNonNull(version, "version");
    }

    /**
     * Reads the manifest of a jar.
     *
     * @throws LaunchException naming the file when it is not a readable OSGi bundle
     */
    public static BundleJar read(Path file) {
        Manifest manifest;
        try (JarFile jar = new JarFile(file.toFile())) {
            manifest = jar.getManifest();
        } catch (IOException e) {
            throw new LaunchException(file + ": cannot read as a jar: " + e.getMessage(), e);
        }
        if (manifest == null) {
            throw new LaunchException(file + ": not an OSGi bundle: it has no manifest");
        }
        Attributes main = manifest.getMainAttributes();
        String symbolicName = main.getValue("Bundle-SymbolicName");
        if (symbolicName == null || symbolicName.isBlank()) {
            throw new LaunchException(file + ": not an OSGi bundle: its manifest has no Bundle-SymbolicName");
        }
        String version = main.getValue("Bundle-Version");
        return new BundleJar(file, symbolicName.split(";", 2)[0].trim(),
                version == null ? "0.0.0" : version.trim(), main.getValue("Fragment-Host") != null);
    }

    /** {@code name version (file)}, for messages. */
    public String describe() {
        return symbolicName + " " + version + " (" + file.getFileName() + ")";
    }
}
