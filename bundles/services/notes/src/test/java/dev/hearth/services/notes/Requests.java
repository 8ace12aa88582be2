package dev.hearth.services.notes;

import dev.hearth.service.ServiceRequest;
import dev.hearth.service.ServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Requests and response bodies as the tests write and read them. */
final class Requests {

    private Requests() {
    }

    static ServiceRequest request(String method, String path) {
        return ServiceRequest.of(method, path);
    }

    static ServiceRequest request(String method, String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return new ServiceRequest(method, path, "", Map.of("content-type", java.util.List.of("application/json")),
                new ByteArrayInputStream(body), body.length);
    }

    static ServiceRequest streamed(String method, String path, InputStream body, long contentLength) {
        return new ServiceRequest(method, path, "", Map.of(), body, contentLength);
    }

    static String body(ServiceResponse response) {
        try (InputStream in = response.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
