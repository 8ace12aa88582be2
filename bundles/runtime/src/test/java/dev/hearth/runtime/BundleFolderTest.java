package dev.hearth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleFolderTest {

    @TempDir
    Path bundles;

    @BeforeEach
    void frameworkServices() throws IOException {
        bundle("configadmin.jar", "org.apache.felix.configadmin", null);
        bundle("eventadmin.jar", "org.apache.felix.eventadmin", null);
        bundle("scr.jar", "org.apache.felix.scr;singleton:=true", null);
    }

    private Path bundle(String file, String symbolicName, String fragmentHost) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (symbolicName != null) {
            main.putValue("Bundle-ManifestVersion", "2");
            main.putValue("Bundle-SymbolicName", symbolicName);
            main.putValue("Bundle-Version", "1.2.3");
        }
        if (fragmentHost != null) {
            main.putValue("Fragment-Host", fragmentHost);
        }
        Path jar = bundles.resolve(file);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            return jar;
        }
    }

    @Test
    void configAdminStartsFirstThenTheExtendersThenTheRestByName() throws IOException {
        bundle("z.jar", "a.gateway", null);
        bundle("a.jar", "b.notes", null);

        BundleFolder folder = BundleFolder.read(bundles);

        assertEquals(List.of("org.apache.felix.configadmin"),
                folder.first().stream().map(BundleJar::symbolicName).toList());
        assertEquals(List.of("org.apache.felix.eventadmin", "org.apache.felix.scr", "a.gateway", "b.notes"),
                folder.rest().stream().map(BundleJar::symbolicName).toList());
        assertEquals(5, folder.startOrder().size());
    }

    @Test
    void directivesAreNotPartOfTheSymbolicNameAndFragmentsAreKnown() throws IOException {
        BundleJar fragment = BundleJar.read(bundle("f.jar", "a.fragment", "a.host"));
        BundleJar scr = BundleJar.read(bundles.resolve("scr.jar"));

        assertTrue(fragment.fragment());
        assertEquals("org.apache.felix.scr", scr.symbolicName());
        assertEquals("org.apache.felix.scr 1.2.3 (scr.jar)", scr.describe());
    }

    @Test
    void aJarWithoutSymbolicNameIsNotABundleAndIsNamed() throws IOException {
        Path plain = bundle("plain.jar", null, null);

        LaunchException e = assertThrows(LaunchException.class, () -> BundleFolder.read(bundles));

        assertEquals(plain + ": not an OSGi bundle: its manifest has no Bundle-SymbolicName", e.getMessage());
    }

    @Test
    void aFileThatIsNotAJarIsNamed() throws IOException {
        Path broken = Files.writeString(bundles.resolve("broken.jar"), "not a zip");

        LaunchException e = assertThrows(LaunchException.class, () -> BundleFolder.read(bundles));

        assertTrue(e.getMessage().startsWith(broken + ": cannot read as a jar"), e.getMessage());
    }

    @Test
    void theSameBundleTwiceIsRefused() throws IOException {
        bundle("scr-2.jar", "org.apache.felix.scr", null);

        LaunchException e = assertThrows(LaunchException.class, () -> BundleFolder.read(bundles));

        assertEquals(bundles + ": bundle org.apache.felix.scr is there twice: scr-2.jar and scr.jar", e.getMessage());
    }

    @Test
    void aMissingFrameworkServiceIsNamed() throws IOException {
        Files.delete(bundles.resolve("scr.jar"));

        LaunchException e = assertThrows(LaunchException.class, () -> BundleFolder.read(bundles));

        assertEquals(bundles + ": the framework service bundle org.apache.felix.scr is missing", e.getMessage());
    }
}
