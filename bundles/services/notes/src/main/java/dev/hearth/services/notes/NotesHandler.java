package dev.hearth.services.notes;

import dev.hearth.service.ServiceHandler;
import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The notes HTTP API, for one instance. Paths are inside the service (the gateway strips
 * {@code /notes}):
 *
 * <ul>
 *   <li>{@code GET /}: 200, every note oldest first, as a JSON array</li>
 *   <li>{@code POST /} with {@code {"title", "body"}}: 201, the new note, and a {@code location}
 *       header holding its id, a reference relative to the collection ({@code /notes/})</li>
 *   <li>{@code GET /<id>}: 200 with the note, or 404</li>
 *   <li>{@code PUT /<id>} with {@code {"title", "body"}}: 200 with the note, title and body replaced, or 404</li>
 *   <li>{@code DELETE /<id>}: 204, or 404</li>
 * </ul>
 *
 * Refusals are {@code {"error": "..."}}: 400 for a body that is not a draft (the message names
 * the problem), 413 for a body over {@link #MAX_BODY_BYTES} (never read further), 405 with
 * {@code allow} for another method, 404 for a path that is not a note id.
 */
public final class NotesHandler implements ServiceHandler {

    /** The largest request body read: 1 MiB. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private static final String COLLECTION_METHODS = "GET, POST";
    private static final String NOTE_METHODS = "GET, PUT, DELETE";

    private final NoteStore store;

    public NotesHandler(NoteStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public ServiceResponse handle(ServiceRequest request) throws IOException {
        String path = request.path();
        String method = request.method();
        if (path.equals("/")) {
            return switch (method) {
                case "GET" -> list();
                case "POST" -> create(request);
                default -> Problem.methodNotAllowed(method, COLLECTION_METHODS).response();
            };
        }
        Optional<NoteId> id = NoteId.parse(path.substring(1));
        if (id.isEmpty()) {
            return Problem.notFound("no such note").response();
        }
        return switch (method) {
            case "GET" -> read(id.get());
            case "PUT" -> replace(id.get(), request);
            case "DELETE" -> delete(id.get());
            default -> Problem.methodNotAllowed(method, NOTE_METHODS).response();
        };
    }

    private ServiceResponse list() throws IOException {
        return NoteJson.respond(200, NoteJson.write(store.list()), Map.of());
    }

    private ServiceResponse create(ServiceRequest request) throws IOException {
        DraftReading reading = readDraft(request);
        if (reading instanceof Problem problem) {
            return problem.response();
        }
        Note note = store.create((NoteDraft) reading);
        return NoteJson.respond(201, NoteJson.write(note), Map.of("location", note.id().value()));
    }

    private ServiceResponse read(NoteId id) throws IOException {
        return store.get(id)
                .map(note -> NoteJson.respond(200, NoteJson.write(note), Map.of()))
                .orElseGet(NotesHandler::noSuchNote);
    }

    private ServiceResponse replace(NoteId id, ServiceRequest request) throws IOException {
        DraftReading reading = readDraft(request);
        if (reading instanceof Problem problem) {
            return problem.response();
        }
        return store.replace(id, (NoteDraft) reading)
                .map(note -> NoteJson.respond(200, NoteJson.write(note), Map.of()))
                .orElseGet(NotesHandler::noSuchNote);
    }

    private ServiceResponse delete(NoteId id) throws IOException {
        return store.delete(id) ? ServiceResponse.empty(204) : noSuchNote();
    }

    /** Reads the body with a hard cap: never more than {@link #MAX_BODY_BYTES} + 1 bytes. */
    private static DraftReading readDraft(ServiceRequest request) throws IOException {
        if (request.contentLength() > MAX_BODY_BYTES) {
            return Problem.tooLarge(MAX_BODY_BYTES);
        }
        byte[] body = request.body().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            return Problem.tooLarge(MAX_BODY_BYTES);
        }
        return NoteJson.readDraft(body);
    }

    private static ServiceResponse noSuchNote() {
        return Problem.notFound("no such note").response();
    }
}
