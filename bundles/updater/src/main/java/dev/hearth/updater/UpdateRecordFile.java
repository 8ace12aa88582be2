package dev.hearth.updater;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link UpdateRecord} as a small JSON file, replaced atomically: a forced temporary file renamed
 * over it, then the directory forced. A power cut leaves the old or the new record. Unknown keys are
 * refused.
 */
public final class UpdateRecordFile {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KEYS = Set.of("installedCounter", "pending", "lastResult");
    private static final Set<String> PENDING_KEYS = Set.of("bootName", "version", "counter", "bootId", "kind");

    private final Path file;

    public UpdateRecordFile(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** The record, or {@link UpdateRecord#EMPTY} when the file does not exist yet. */
    public UpdateRecord read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return UpdateRecord.EMPTY;
        }
        try {
            JsonNode n = JSON.readTree(bytes);
            known(n, KEYS);
            Optional<UpdateRecord.Pending> pending = Optional.empty();
            JsonNode p = n.path("pending");
            if (p.isObject()) {
                known(p, PENDING_KEYS);
                pending = Optional.of(new UpdateRecord.Pending(text(p, "bootName"), text(p, "version"),
                        p.path("counter").asLong(), text(p, "bootId"),
                        p.has("kind") ? UpdateRecord.Kind.valueOf(text(p, "kind")) : UpdateRecord.Kind.SLOT));
            }
            return new UpdateRecord(n.path("installedCounter").asLong(), pending, n.path("lastResult").asText(""));
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("update record " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    public void write(UpdateRecord record) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("installedCounter", record.installedCounter());
        record.pending().ifPresent(p -> {
            ObjectNode o = n.putObject("pending");
            o.put("bootName", p.bootName());
            o.put("version", p.version());
            o.put("counter", p.counter());
            o.put("bootId", p.bootId());
            if (p.userland()) {
                o.put("kind", p.kind().name());
            }
        });
        n.put("lastResult", record.lastResult());
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private static void known(JsonNode n, Set<String> keys) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!keys.contains(k)) {
                throw new IllegalArgumentException("unknown key '" + k + "'");
            }
        }
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("'" + key + "' must be a string");
        }
        return v.asText();
    }
}
