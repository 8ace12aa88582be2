package dev.hearth.services.contacts;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Contacts kept as one JSON file each, {@code <directory>/<id>.json}. A write goes to a temporary
 * file that is fsynced, renamed over the old one atomically, and the directory fsynced: after a
 * crash or power cut a contact is either wholly old or wholly new. Temporary files left by a crash
 * are removed when the store opens. Safe for concurrent use by the threads of one process.
 */
final class ContactStore {

    static final Pattern ID = Pattern.compile("[0-9a-f]{16}");
    private static final String SUFFIX = ".json";
    private static final String TEMPORARY = ".tmp-";

    private final Path directory;
    private final ObjectMapper json;
    private final SecureRandom random = new SecureRandom();

    private ContactStore(Path directory, ObjectMapper json) {
        this.directory = directory;
        this.json = json;
    }

    /** Opens (creating it if needed) the store in {@code directory}. */
    static ContactStore open(Path directory, ObjectMapper json) throws IOException {
        Files.createDirectories(directory);
        try (Stream<Path> files = Files.list(directory)) {
            for (Path leftover : files.filter(f -> f.getFileName().toString().startsWith(TEMPORARY)).toList()) {
                Files.delete(leftover);
            }
        }
        return new ContactStore(directory, json);
    }

    /** A fresh id no stored contact has. */
    synchronized String newId() {
        while (true) {
            byte[] bytes = new byte[8];
            random.nextBytes(bytes);
            String id = HexFormat.of().formatHex(bytes);
            if (!Files.exists(file(id))) {
                return id;
            }
        }
    }

    /** Stores {@code contact}, replacing the one with its id. Durable when this returns. */
    void put(Contact contact) throws IOException {
        byte[] bytes = json.writeValueAsBytes(contact);
        Path temporary = directory.resolve(TEMPORARY + contact.id() + "-" + Thread.currentThread().getId());
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        Files.move(temporary, file(contact.id()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
    }

    /** The contact with {@code id}, if stored; empty for an id that is not even well formed. */
    Optional<Contact> get(String id) throws IOException {
        if (!ID.matcher(id).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(Files.readAllBytes(file(id)), Contact.class));
        } catch (java.nio.file.NoSuchFileException gone) {
            return Optional.empty();
        }
    }

    /** Every contact, by name then id. */
    List<Contact> list() throws IOException {
        List<Contact> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(SUFFIX)) {
                    get(name.substring(0, name.length() - SUFFIX.length())).ifPresent(all::add);
                }
            }
        }
        all.sort(Comparator.comparing(Contact::name, String.CASE_INSENSITIVE_ORDER).thenComparing(Contact::id));
        return all;
    }

    /** Deletes the contact with {@code id}; false when there was none. Durable when this returns. */
    boolean delete(String id) throws IOException {
        if (!ID.matcher(id).matches() || !Files.deleteIfExists(file(id))) {
            return false;
        }
        syncDirectory();
        return true;
    }

    private Path file(String id) {
        return directory.resolve(id + SUFFIX);
    }

    private void syncDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
