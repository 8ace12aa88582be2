package dev.hearth.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.service.ServiceResponse;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON response bodies: error objects {@code {"error": "...", ...}} and admin API values. */
final class JsonBody {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String CONTENT_TYPE = "application/json";

    private JsonBody() {
    }

    /** A response whose body is {@code value} as JSON. */
    static ServiceResponse of(int status, Object value) {
        return of(status, value, Map.of());
    }

    /** A response whose body is {@code value} as JSON, with extra headers. */
    static ServiceResponse of(int status, Object value, Map<String, String> headers) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            // Only maps, lists, strings and numbers are written: failing here is a bug.
            throw new IllegalStateException("cannot write a JSON body: " + e.getMessage(), e);
        }
        Map<String, String> all = headers.isEmpty() ? Map.of("content-type", CONTENT_TYPE) : withType(headers);
        return new ServiceResponse(status, all, new ByteArrayInputStream(bytes), bytes.length);
    }

    /** {@code {"error": message}}. */
    static ServiceResponse error(int status, String message) {
        return of(status, Map.of("error", message));
    }

    /** {@code {"error": message, key: value, ...}} with extra headers. */
    static ServiceResponse error(int status, String message, Map<String, ?> fields, Map<String, String> headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.putAll(fields);
        return of(status, body, headers);
    }

    private static Map<String, String> withType(Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("content-type", CONTENT_TYPE);
        return all;
    }
}
