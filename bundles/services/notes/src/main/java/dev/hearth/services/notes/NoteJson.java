package dev.hearth.services.notes;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.service.ServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of notes, drafts and errors. A note is
 * {@code {"id","title","body","created","updated"}} with ISO-8601 instants, the same on disk and
 * on the wire. One mapper for the whole service: making it is the expensive part.
 */
final class NoteJson {

    static final Set<String> DRAFT_FIELDS = Set.of("title", "body");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private NoteJson() {
    }

    /**
     * Builds the mapper's serializers and parsers now, so that the first request of the first
     * instance does not pay for them.
     */
    static void prepare() {
        Note sample = new Note(NoteId.random(), "sample", "", Instant.EPOCH, Instant.EPOCH);
        try {
            readNote(write(sample));
        } catch (IOException e) {
            throw new IllegalStateException("notes: a sample note does not read back", e);
        }
        readDraft(write(List.of(sample)));
    }

    static byte[] write(Note note) {
        return bytes(node(note));
    }

    static byte[] write(List<Note> notes) {
        ArrayNode array = MAPPER.createArrayNode();
        for (Note note : notes) {
            array.add(node(note));
        }
        return bytes(array);
    }

    static byte[] error(String message) {
        return bytes(MAPPER.createObjectNode().put("error", message));
    }

    /** A JSON response with {@code json} as its body. */
    static ServiceResponse respond(int status, byte[] json, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("content-type", "application/json");
        return new ServiceResponse(status, Map.copyOf(all), new ByteArrayInputStream(json), json.length);
    }

    /**
     * Reads what a client sent to create or replace a note: a JSON object with a non-blank string
     * {@code title}, an optional string {@code body}, and nothing else.
     */
    static DraftReading readDraft(byte[] json) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return Problem.badRequest("malformed JSON: " + e.getOriginalMessage() + where(e.getLocation()));
        } catch (IOException e) {
            throw new UncheckedIOException("notes: reading JSON from memory failed", e);
        }
        if (tree == null || tree.isMissingNode()) {
            return Problem.badRequest("the request body must be a JSON object with a 'title', was empty");
        }
        if (!tree.isObject()) {
            return Problem.badRequest("the request body must be a JSON object, was " + kind(tree));
        }
        for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!DRAFT_FIELDS.contains(name)) {
                return Problem.badRequest("unknown field '" + name + "' (known: body, title)");
            }
        }
        JsonNode title = tree.get("title");
        if (title == null) {
            return Problem.badRequest("'title' is required");
        }
        if (!title.isTextual()) {
            return Problem.badRequest("'title' must be a string, was " + kind(title));
        }
        if (title.textValue().isBlank()) {
            return Problem.badRequest("'title' must not be blank");
        }
        JsonNode body = tree.get("body");
        if (body != null && !body.isTextual()) {
            return Problem.badRequest("'body' must be a string, was " + kind(body));
        }
        return new NoteDraft(title.textValue(), body == null ? "" : body.textValue());
    }

    /**
     * Reads a stored note. The messages of its exceptions never quote the file's content (the
     * causes they keep may: never log them with their causes).
     *
     * @throws IOException when the bytes are not a note
     */
    static Note readNote(byte[] json) throws IOException {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IOException("not valid JSON" + where(e.getLocation()), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IOException("not a JSON object");
        }
        try {
            return new Note(new NoteId(text(tree, "id")), text(tree, "title"), text(tree, "body"),
                    Instant.parse(text(tree, "created")), Instant.parse(text(tree, "updated")));
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new IOException("not a note: " + e.getClass().getSimpleName(), e);
        }
    }

    private static String text(JsonNode tree, String field) throws IOException {
        JsonNode value = tree.get(field);
        if (value == null || !value.isTextual()) {
            throw new IOException("not a note: '" + field + "' is missing or not a string");
        }
        return value.textValue();
    }

    private static ObjectNode node(Note note) {
        return MAPPER.createObjectNode()
                .put("id", note.id().value())
                .put("title", note.title())
                .put("body", note.body())
                .put("created", note.created().toString())
                .put("updated", note.updated().toString());
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("notes: a JSON tree could not be written", e);
        }
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String where(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
