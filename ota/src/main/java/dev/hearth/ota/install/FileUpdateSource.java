package dev.hearth.ota.install;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** An update bundle in a local file (or a pipe). */
public record FileUpdateSource(Path file) implements UpdateSource {

    @Override
    public InputStream open() throws IOException {
        return new BufferedInputStream(Files.newInputStream(file), 1 << 20);
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
