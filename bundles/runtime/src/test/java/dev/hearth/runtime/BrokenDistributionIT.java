package dev.hearth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What is wrong with a distribution stops the launcher with a non-zero status and a message naming it. */
class BrokenDistributionIT {

    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(60);

    /** A copy of the built distribution (lib/ linked, not copied) that a test may break. */
    private static Path copy(String name) throws IOException {
        Path built = DistributionProcess.built();
        Path copy = DistributionProcess.workFolder(name).resolve("hearth");
        for (String folder : new String[] {"bin", "bundles", "etc", "etc/demo"}) {
            Files.createDirectories(copy.resolve(folder));
            try (Stream<Path> files = Files.list(built.resolve(folder))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, copy.resolve(folder).resolve(file.getFileName()),
                            StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.createSymbolicLink(copy.resolve("lib"), built.resolve("lib"));
        return copy;
    }

    private static void jar(Path file, Manifest manifest) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            // A manifest and nothing else.
        }
    }

    private static Manifest manifest(String... headers) {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        for (int i = 0; i < headers.length; i += 2) {
            manifest.getMainAttributes().putValue(headers[i], headers[i + 1]);
        }
        return manifest;
    }

    private static String runExpectingFailure(Path home, String name, String... args) throws Exception {
        Path log = home.getParent().resolve(name + ".log");
        try (DistributionProcess hearth = DistributionProcess.start(home, log, args)) {
            int status = hearth.awaitExit(EXIT_DEADLINE);
            assertEquals(1, status, hearth.output());
            return hearth.output();
        }
    }

    private static String[] run(Path state) {
        return new String[] {"run", "--state", state.toString(), "--gateway-port",
                Integer.toString(DistributionProcess.freePort()), "--admin-port",
                Integer.toString(DistributionProcess.freePort())};
    }

    @Test
    void aBundleThatCannotResolveStopsTheStartNamingIt() throws Exception {
        Path home = copy("broken-bundle");
        jar(home.resolve("bundles").resolve("broken.jar"), manifest("Bundle-ManifestVersion", "2",
                "Bundle-SymbolicName", "broken.bundle", "Bundle-Version", "1.0.0",
                "Import-Package", "dev.hearth.missing"));

        String output = runExpectingFailure(home, "broken-bundle", run(home.getParent().resolve("state")));

        assertTrue(output.contains("hearth: cannot start: bundle broken.bundle 1.0.0 (broken.jar) cannot start"), output);
        assertTrue(output.contains("dev.hearth.missing"), output);
    }

    @Test
    void aJarWithoutBundleManifestStopsTheStartNamingTheFile() throws Exception {
        Path home = copy("plain-jar");
        Path plain = home.resolve("bundles").resolve("plain.jar");
        jar(plain, manifest("Created-By", "hand"));

        String output = runExpectingFailure(home, "plain-jar", run(home.getParent().resolve("state")));

        assertTrue(output.contains("hearth: cannot start: " + plain
                + ": not an OSGi bundle: its manifest has no Bundle-SymbolicName"), output);
    }

    @Test
    void anUnparseableConfigurationFileStopsTheStartNamingIt() throws Exception {
        Path home = copy("bad-etc");
        Path bad = home.resolve("etc").resolve("dev.hearth.gateway.cfg");
        Files.writeString(bad, "host=127.0.0.1\nport=\\u80\n");

        String output = runExpectingFailure(home, "bad-etc", run(home.getParent().resolve("state")));

        assertTrue(output.contains("hearth: cannot start: " + bad + ": not a properties file"), output);
    }

    @Test
    void aComponentThatFailsToActivateStopsTheStartNamingIt() throws Exception {
        Path home = DistributionProcess.built();
        Path work = DistributionProcess.workFolder("port-taken");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path log = work.resolve("hearth.log");
            try (DistributionProcess hearth = DistributionProcess.start(home, log, "run", "--state",
                    work.resolve("state").toString(), "--gateway-port", Integer.toString(taken.getLocalPort()),
                    "--admin-port", Integer.toString(DistributionProcess.freePort()))) {
                assertEquals(1, hearth.awaitExit(EXIT_DEADLINE), hearth.output());
                String last = hearth.output().lines().reduce((a, b) -> b).orElse("");
                assertTrue(last.startsWith("hearth: cannot start: component failed to activate: "
                        + "dev.hearth.gateway (dev.hearth.gateway): "), hearth.output());
                assertTrue(last.contains("127.0.0.1:" + taken.getLocalPort()), last);
            }
        }
    }

    @Test
    void aWrongCommandLineExitsWithUsage() throws Exception {
        Path home = DistributionProcess.built();
        Path log = DistributionProcess.workFolder("usage").resolve("hearth.log");
        try (DistributionProcess hearth = DistributionProcess.start(home, log, "run", "--gateway-port", "x")) {
            assertEquals(2, hearth.awaitExit(EXIT_DEADLINE), hearth.output());
            assertTrue(hearth.output().contains("hearth: --gateway-port must be a whole number, was 'x'"),
                    hearth.output());
            assertTrue(hearth.output().contains("usage: hearth <command> [options]"), hearth.output());
        }
    }
}
