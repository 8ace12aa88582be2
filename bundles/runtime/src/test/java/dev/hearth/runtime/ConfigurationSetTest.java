package dev.hearth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationSetTest {

    @TempDir
    Path root;

    @Test
    void anOverlayFileReplacesTheSameConfigurationWhole() throws IOException {
        Path etc = Files.createDirectories(root.resolve("etc"));
        Path demo = Files.createDirectories(etc.resolve("demo"));
        Files.writeString(etc.resolve("dev.hearth.gateway.cfg"), "host=127.0.0.1\nport=8080\n");
        Files.writeString(etc.resolve("dev.hearth.service~notes.cfg"), "name=notes\nimage=a\n");
        Files.writeString(demo.resolve("dev.hearth.service~notes.cfg"), "name=notes\nimage=b\n");
        Files.writeString(demo.resolve("dev.hearth.service~todo.cfg"), "name=todo\n");

        ConfigurationSet set = ConfigurationSet.read(List.of(etc, demo));

        assertEquals(3, set.size());
        ConfigurationEntry notes = set.entries().stream()
                .filter(e -> e.key().equals("dev.hearth.service~notes")).findFirst().orElseThrow();
        assertEquals(Map.of("name", "notes", "image", "b"), notes.properties());
        assertEquals(demo.resolve("dev.hearth.service~notes.cfg").toString(), notes.origin());
        assertEquals(Optional.of("8080"), set.value("dev.hearth.gateway", "port"));
    }

    @Test
    void subDirectoriesAndOtherFilesAreNotRead() throws IOException {
        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(etc.resolve("demo"));
        Files.writeString(etc.resolve("demo").resolve("a.cfg"), "k=v\n");
        Files.writeString(etc.resolve("logback.xml"), "<configuration/>");
        Files.writeString(etc.resolve("b.cfg"), "k=v\n");

        ConfigurationSet set = ConfigurationSet.read(List.of(etc));

        assertEquals(List.of("b"), set.entries().stream().map(ConfigurationEntry::key).toList());
    }

    @Test
    void aCommandLineValueOverridesOneKeyAndKeepsTheOthers() throws IOException {
        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.writeString(etc.resolve("dev.hearth.gateway.cfg"), "host=127.0.0.1\nport=8080\n");

        ConfigurationSet set = ConfigurationSet.read(List.of(etc))
                .with("dev.hearth.gateway", "port", "18080", "--gateway-port")
                .with("dev.hearth.admin", "port", "18081", "--admin-port");

        assertEquals(Map.of("host", "127.0.0.1", "port", "18080"),
                set.find("dev.hearth.gateway").orElseThrow().properties());
        assertEquals(Map.of("port", "18081"), set.find("dev.hearth.admin").orElseThrow().properties());
        assertEquals("--admin-port", set.find("dev.hearth.admin").orElseThrow().origin());
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path missing = root.resolve("nowhere");

        LaunchException e = assertThrows(LaunchException.class, () -> ConfigurationSet.read(List.of(missing)));

        assertEquals("configuration directory " + missing + " does not exist", e.getMessage());
    }

    @Test
    void oneBadFileFailsTheWholeSetNamingThatFile() throws IOException {
        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.writeString(etc.resolve("a.cfg"), "k=v\n");
        Files.writeString(etc.resolve("b.cfg"), "k=\\uZZZZ\n");

        LaunchException e = assertThrows(LaunchException.class, () -> ConfigurationSet.read(List.of(etc)));

        assertTrue(e.getMessage().startsWith(etc.resolve("b.cfg").toString()), e.getMessage());
    }
}
