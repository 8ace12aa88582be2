package dev.hearth.services.contacts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The contacts HTTP API, JSON in and out:
 *
 * <pre>
 * GET    /      200 [contact, …] (by name)
 * POST   /      201 contact, Location: {id} (relative to the collection)   body {"name": …, "email", "phone", "note"}
 * GET    /{id}  200 contact | 404
 * PUT    /{id}  200 contact | 404                       body as for POST
 * DELETE /{id}  204 | 404
 * </pre>
 *
 * Errors are {@code {"error": "…"}} with 400, 404, 405 or 500; they never repeat what was sent.
 */
final class ContactsApi {

    /** What a client sends: a contact without its id. Unknown fields are refused. */
    record Details(String name, String email, String phone, String note) {
    }

    /** The service's own root: the gateway strips the {@code /contacts} of {@code /contacts/…}. */
    private static final String COLLECTION = "/";

    private final ContactStore store;
    private final ObjectMapper json;

    ContactsApi(ContactStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    FullHttpResponse handle(FullHttpRequest request) {
        try {
            return route(request);
        } catch (IOException e) {
            return error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "storage failed: " + e.getClass().getSimpleName());
        }
    }

    private FullHttpResponse route(FullHttpRequest request) throws IOException {
        String path = new QueryStringDecoder(request.uri()).path();
        HttpMethod method = request.method();
        if (path.equals(COLLECTION)) {
            if (method.equals(HttpMethod.GET)) {
                return ok(HttpResponseStatus.OK, store.list());
            }
            if (method.equals(HttpMethod.POST)) {
                Optional<Details> details = details(request);
                if (details.isEmpty()) {
                    return badBody();
                }
                return save(store.newId(), details.get(), HttpResponseStatus.CREATED);
            }
            return notAllowed();
        }
        String id = path.substring(COLLECTION.length());
        if (id.indexOf('/') >= 0) {
            return error(HttpResponseStatus.NOT_FOUND, "no such resource");
        }
        if (method.equals(HttpMethod.GET)) {
            return store.get(id).map(c -> ok(HttpResponseStatus.OK, c)).orElseGet(this::noContact);
        }
        if (method.equals(HttpMethod.PUT)) {
            if (store.get(id).isEmpty()) {
                return noContact();
            }
            Optional<Details> details = details(request);
            return details.isEmpty() ? badBody() : save(id, details.get(), HttpResponseStatus.OK);
        }
        if (method.equals(HttpMethod.DELETE)) {
            return store.delete(id) ? response(HttpResponseStatus.NO_CONTENT, new byte[0]) : noContact();
        }
        return notAllowed();
    }

    private FullHttpResponse save(String id, Details details, HttpResponseStatus status) throws IOException {
        Contact contact;
        try {
            contact = new Contact(id, details.name(), details.email(), details.phone(), details.note());
        } catch (IllegalArgumentException e) {
            return error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
        store.put(contact);
        FullHttpResponse response = ok(status, contact);
        if (status.equals(HttpResponseStatus.CREATED)) {
            response.headers().set(HttpHeaderNames.LOCATION, id);
        }
        return response;
    }

    private Optional<Details> details(FullHttpRequest request) {
        try (ByteBufInputStream in = new ByteBufInputStream(request.content().duplicate())) {
            return Optional.ofNullable(json.readValue((java.io.InputStream) in, Details.class));
        } catch (IOException unreadable) {
            return Optional.empty();
        }
    }

    private FullHttpResponse ok(HttpResponseStatus status, Object body) {
        try {
            return response(status, json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response as JSON", e);
        }
    }

    private FullHttpResponse badBody() {
        return error(HttpResponseStatus.BAD_REQUEST,
                "the body must be a JSON object with name and optionally email, phone, note");
    }

    private FullHttpResponse noContact() {
        return error(HttpResponseStatus.NOT_FOUND, "no such contact");
    }

    private FullHttpResponse notAllowed() {
        return error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed here");
    }

    private FullHttpResponse error(HttpResponseStatus status, String message) {
        return ok(status, Map.of("error", message));
    }

    private static FullHttpResponse response(HttpResponseStatus status, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        if (body.length > 0) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }
}
