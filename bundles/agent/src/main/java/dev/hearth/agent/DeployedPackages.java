package dev.hearth.agent;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The deployment packages DEPLOY-V2 installed (name, version, bundle id), kept in
 * {@code <dir>/packages.json} so that they are known after a restart. Written to a new file,
 * forced to the disk and renamed over the old one. Thread-safe.
 */
final class DeployedPackages {

    /** One installed deployment package: the bundle installed for it. */
    record DeployedPackage(String name, String version, long bundleId) { }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, DeployedPackage> byName = new LinkedHashMap<>();

    DeployedPackages(Path dir) {
        this.file = dir.resolve("packages.json");
        try {
            Files.createDirectories(dir);
            if (Files.exists(file)) {
                List<DeployedPackage> read = JSON.readValue(file.toFile(), new TypeReference<List<DeployedPackage>>() { });
                read.forEach(p -> byName.put(p.name(), p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the deployed packages in " + file, e);
        }
    }

    synchronized Optional<DeployedPackage> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    synchronized List<DeployedPackage> all() {
        return List.copyOf(byName.values());
    }

    synchronized void put(DeployedPackage p) {
        byName.put(p.name(), p);
        write();
    }

    synchronized void remove(String name) {
        byName.remove(name);
        write();
    }

    private void write() {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        try {
            Files.write(next, JSON.writeValueAsBytes(new ArrayList<>(byName.values())));
            try (FileChannel ch = FileChannel.open(next, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the deployed packages to " + file, e);
        }
    }
}
