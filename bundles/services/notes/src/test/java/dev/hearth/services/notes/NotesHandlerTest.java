package dev.hearth.services.notes;

import static dev.hearth.services.notes.Requests.body;
import static dev.hearth.services.notes.Requests.request;
import static dev.hearth.services.notes.Requests.streamed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.service.ServiceResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotesHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");

    @TempDir
    Path data;

    private NotesHandler handler;

    @BeforeEach
    void openHandler() throws IOException {
        handler = new NotesHandler(NoteStore.open(data, new TickingClock(START)));
    }

    @Test
    void aCreatedNoteIsAnswered201WithItsIdLocationAndTimes() throws Exception {
        ServiceResponse response = handler.handle(request("POST", "/", "{\"title\":\"milk\",\"body\":\"2 l\"}"));

        assertEquals(201, response.status());
        assertEquals("application/json", response.headers().get("content-type"));
        JsonNode note = JSON.readTree(body(response));
        String id = note.get("id").textValue();
        assertTrue(NoteId.parse(id).isPresent(), id);
        assertEquals(id, response.headers().get("location"));
        assertEquals("milk", note.get("title").textValue());
        assertEquals("2 l", note.get("body").textValue());
        assertEquals(START.toString(), note.get("created").textValue());
        assertEquals(START.toString(), note.get("updated").textValue());
        assertEquals(List.of("body", "created", "id", "title", "updated"), sortedFields(note));
    }

    @Test
    void aNoteWithoutBodyHasAnEmptyOne() throws Exception {
        JsonNode note = create("{\"title\":\"call mum\"}");

        assertEquals("", note.get("body").textValue());
    }

    @Test
    void aNoteCanBeReadReplacedAndDeleted() throws Exception {
        String id = create("{\"title\":\"milk\",\"body\":\"2 l\"}").get("id").textValue();

        ServiceResponse read = handler.handle(request("GET", "/" + id));
        assertEquals(200, read.status());
        assertEquals("milk", JSON.readTree(body(read)).get("title").textValue());

        ServiceResponse replaced = handler.handle(request("PUT", "/" + id, "{\"title\":\"oat milk\",\"body\":\"1 l\"}"));
        assertEquals(200, replaced.status());
        JsonNode note = JSON.readTree(body(replaced));
        assertEquals("oat milk", note.get("title").textValue());
        assertEquals("1 l", note.get("body").textValue());
        assertEquals(START.toString(), note.get("created").textValue());
        assertEquals(START.plusSeconds(1).toString(), note.get("updated").textValue());
        assertEquals(note, JSON.readTree(body(handler.handle(request("GET", "/" + id)))));

        ServiceResponse deleted = handler.handle(request("DELETE", "/" + id));
        assertEquals(204, deleted.status());
        assertEquals(0, deleted.contentLength());
        assertEquals(404, handler.handle(request("GET", "/" + id)).status());
        assertEquals("[]", body(handler.handle(request("GET", "/"))));
    }

    @Test
    void theListHoldsEveryNoteOldestFirst() throws Exception {
        List<String> ids = new ArrayList<>();
        for (String title : List.of("first", "second", "third")) {
            ids.add(create("{\"title\":\"" + title + "\"}").get("id").textValue());
        }

        ServiceResponse list = handler.handle(request("GET", "/"));

        assertEquals(200, list.status());
        List<String> listed = new ArrayList<>();
        JSON.readTree(body(list)).forEach(note -> listed.add(note.get("id").textValue()));
        assertEquals(ids, listed);
    }

    @Test
    void anUnknownIdIs404ForReadReplaceAndDelete() throws Exception {
        String unknown = "/" + NoteId.random().value();

        for (ServiceResponse response : List.of(handler.handle(request("GET", unknown)),
                handler.handle(request("PUT", unknown, "{\"title\":\"x\"}")),
                handler.handle(request("DELETE", unknown)))) {
            assertEquals(404, response.status());
            assertEquals("{\"error\":\"no such note\"}", body(response));
        }
    }

    @Test
    void malformedJsonIs400NamingThePlace() throws Exception {
        ServiceResponse response = handler.handle(request("POST", "/", "{\"title\": \"milk\""));

        assertEquals(400, response.status());
        String error = JSON.readTree(body(response)).get("error").textValue();
        assertTrue(error.startsWith("malformed JSON: "), error);
        assertTrue(error.contains(" at line 1, column "), error);
    }

    @Test
    void trailingContentAndDuplicateFieldsAreMalformed() throws Exception {
        assertEquals(400, handler.handle(request("POST", "/", "{\"title\":\"a\"} {}")).status());
        assertProblem(400, "Duplicate field 'title'",
                handler.handle(request("POST", "/", "{\"title\":\"a\",\"title\":\"b\"}")));
    }

    @Test
    void aWrongTypeIs400NamingTheField() throws Exception {
        assertProblem(400, "'title' must be a string, was number",
                handler.handle(request("POST", "/", "{\"title\":42}")));
        assertProblem(400, "'body' must be a string, was null",
                handler.handle(request("POST", "/", "{\"title\":\"a\",\"body\":null}")));
        assertProblem(400, "the request body must be a JSON object, was array",
                handler.handle(request("POST", "/", "[{\"title\":\"a\"}]")));
    }

    @Test
    void anUnknownFieldIs400() throws Exception {
        assertProblem(400, "unknown field 'tags' (known: body, title)",
                handler.handle(request("POST", "/", "{\"title\":\"a\",\"tags\":[]}")));
    }

    @Test
    void aMissingBlankOrAbsentTitleIs400() throws Exception {
        assertProblem(400, "'title' is required", handler.handle(request("POST", "/", "{\"body\":\"x\"}")));
        assertProblem(400, "'title' must not be blank", handler.handle(request("POST", "/", "{\"title\":\" \\t\"}")));
        assertProblem(400, "the request body must be a JSON object with a 'title', was empty",
                handler.handle(request("POST", "/", "")));
        String id = create("{\"title\":\"keep\"}").get("id").textValue();
        assertProblem(400, "'title' must not be blank", handler.handle(request("PUT", "/" + id, "{\"title\":\"\"}")));
        assertEquals("keep", JSON.readTree(body(handler.handle(request("GET", "/" + id)))).get("title").textValue());
        assertEquals(1, JSON.readTree(body(handler.handle(request("GET", "/")))).size());
    }

    @Test
    void aStreamedBodyOverOneMebibyteIs413WithoutReadingPastTheCap() throws Exception {
        GuardedStream huge = new GuardedStream(NotesHandler.MAX_BODY_BYTES + 1L);

        ServiceResponse response = handler.handle(streamed("POST", "/", huge, -1));

        assertProblem(413, "the request body is larger than 1048576 bytes", response);
        assertEquals(NotesHandler.MAX_BODY_BYTES + 1L, huge.read.get());
        assertEquals("[]", body(handler.handle(request("GET", "/"))));
    }

    @Test
    void aDeclaredBodyOverOneMebibyteIs413WithoutReadingAnything() throws Exception {
        GuardedStream huge = new GuardedStream(0);

        ServiceResponse response = handler.handle(streamed("PUT", "/" + NoteId.random().value(), huge,
                NotesHandler.MAX_BODY_BYTES + 1L));

        assertEquals(413, response.status());
        assertEquals(0, huge.read.get());
    }

    @Test
    void aBodyOfExactlyOneMebibyteIsAccepted() throws Exception {
        String prefix = "{\"title\":\"big\",\"body\":\"";
        String suffix = "\"}";
        String json = prefix + "x".repeat(NotesHandler.MAX_BODY_BYTES - prefix.length() - suffix.length()) + suffix;

        assertEquals(201, handler.handle(streamed("POST", "/",
                new java.io.ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)), -1))
                .status());
    }

    @Test
    void aWrongMethodIs405WithAllow() throws Exception {
        ServiceResponse onCollection = handler.handle(request("DELETE", "/"));
        ServiceResponse onNote = handler.handle(request("POST", "/" + NoteId.random().value()));

        assertProblem(405, "method DELETE is not allowed here (allowed: GET, POST)", onCollection);
        assertEquals("GET, POST", onCollection.headers().get("allow"));
        assertEquals(405, onNote.status());
        assertEquals("GET, PUT, DELETE", onNote.headers().get("allow"));
    }

    @Test
    void pathsThatAreNotNoteIdsAre404() throws Exception {
        String id = create("{\"title\":\"target\"}").get("id").textValue();
        List<String> paths = List.of("/..%2F..", "/../x", "/..", "/%2e%2e%2f" + id, "/../notes/" + id, "/" + id + "/",
                "/" + id + ".json", "/" + id + "/x", "/.tmp-" + id, "//" + id, "/" + id.substring(1));

        for (String path : paths) {
            for (String method : List.of("GET", "PUT", "DELETE")) {
                ServiceResponse response = handler.handle(request(method, path, "{\"title\":\"x\"}"));
                assertEquals(404, response.status(), method + " " + path);
            }
        }
        assertEquals(200, handler.handle(request("GET", "/" + id)).status());
    }

    private JsonNode create(String json) throws Exception {
        ServiceResponse response = handler.handle(request("POST", "/", json));
        assertEquals(201, response.status(), () -> body(response));
        return JSON.readTree(body(response));
    }

    private static void assertProblem(int status, String error, ServiceResponse response) throws IOException {
        assertEquals(status, response.status());
        assertEquals("application/json", response.headers().get("content-type"));
        String message = JSON.readTree(body(response)).get("error").textValue();
        assertTrue(message.contains(error), message);
    }

    private static List<String> sortedFields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }

    /** An endless body of spaces that fails the test if it is read past {@code allowed} bytes. */
    private static final class GuardedStream extends InputStream {
        private final long allowed;
        private final AtomicLong read = new AtomicLong();

        GuardedStream(long allowed) {
            this.allowed = allowed;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (read.get() + length > allowed) {
                throw new AssertionError("read past " + allowed + " bytes: asked for " + length + " more after "
                        + read.get());
            }
            java.util.Arrays.fill(buffer, offset, offset + length, (byte) ' ');
            read.addAndGet(length);
            return length;
        }
    }
}
