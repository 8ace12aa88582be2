package dev.hearth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationFileTest {

    @TempDir
    Path etc;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(etc.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void aPidFileBecomesASingletonConfiguration() throws IOException {
        ConfigurationEntry entry = ConfigurationFile.read(write("dev.hearth.gateway.cfg",
                "# the gateway\nhost = 127.0.0.1\nport=8080\n"));

        assertEquals("dev.hearth.gateway", entry.pid());
        assertEquals(Optional.empty(), entry.factoryName());
        assertEquals(Map.of("host", "127.0.0.1", "port", "8080"), entry.properties());
        assertEquals("dev.hearth.gateway", entry.key());
    }

    @Test
    void aTildeInTheFileNameNamesAFactoryConfiguration() throws IOException {
        ConfigurationEntry entry = ConfigurationFile.read(write("dev.hearth.service~notes.cfg",
                "name=notes\ndriver=injvm\nimage=notes\n"));

        assertEquals("dev.hearth.service", entry.pid());
        assertEquals(Optional.of("notes"), entry.factoryName());
        assertEquals("dev.hearth.service~notes", entry.key());
        assertEquals(List.of("name", "driver", "image"), List.copyOf(entry.properties().keySet()));
    }

    @Test
    void valuesAreTrimmedAndKeepTheirEscapes() throws IOException {
        ConfigurationEntry entry = ConfigurationFile.read(write("p.cfg", "a = x  \nb=caf\\u00e9\nc=\n"));

        assertEquals(Map.of("a", "x", "b", "café", "c", ""), entry.properties());
    }

    @Test
    void aBrokenUnicodeEscapeFailsNamingTheFile() throws IOException {
        Path file = write("dev.hearth.admin.cfg", "port=\\u12\n");

        LaunchException e = assertThrows(LaunchException.class, () -> ConfigurationFile.read(file));

        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not a properties file"), e.getMessage());
    }

    @Test
    void aFileThatIsNotUtf8FailsNamingTheFile() throws IOException {
        Path file = Files.write(etc.resolve("latin.cfg"), new byte[] {'a', '=', (byte) 0xE9, '\n'});

        LaunchException e = assertThrows(LaunchException.class, () -> ConfigurationFile.read(file));

        assertEquals(file + ": not UTF-8 text", e.getMessage());
    }

    @Test
    void aKeyGivenTwiceFailsNamingTheKey() throws IOException {
        Path file = write("dev.hearth.gateway.cfg", "port=1\nhost=h\nport=2\n");

        LaunchException e = assertThrows(LaunchException.class, () -> ConfigurationFile.read(file));

        assertEquals(file + ": key 'port' is set more than once", e.getMessage());
    }

    @Test
    void keysThatConfigAdminSetsAreRefused() throws IOException {
        Path file = write("x.cfg", "service.pid=y\n");

        LaunchException e = assertThrows(LaunchException.class, () -> ConfigurationFile.read(file));

        assertEquals(file + ": key 'service.pid' is set by Config Admin, not by files", e.getMessage());
    }

    @Test
    void aValueWithoutAKeyIsRefused() throws IOException {
        Path file = write("x.cfg", "=8080\n");

        LaunchException e = assertThrows(LaunchException.class, () -> ConfigurationFile.read(file));

        assertEquals(file + ": a line has a value but no key", e.getMessage());
    }

    @Test
    void badFileNamesAreRefusedWithTheExpectedShape() throws IOException {
        for (String name : List.of("a~.cfg", "~b.cfg", "a~b~c.cfg", "a b.cfg", ".cfg")) {
            Path file = write(name, "k=v\n");

            LaunchException e = assertThrows(LaunchException.class, () -> ConfigurationFile.read(file), name);

            assertTrue(e.getMessage().startsWith(file + ": not a configuration file name"), e.getMessage());
        }
    }

    @Test
    void onlyCfgFilesAreConfiguration() {
        assertTrue(ConfigurationFile.isConfigurationFile(Path.of("etc/a.cfg")));
        assertFalse(ConfigurationFile.isConfigurationFile(Path.of("etc/logback.xml")));
        assertFalse(ConfigurationFile.isConfigurationFile(Path.of("etc/a.cfg.orig")));
    }
}
