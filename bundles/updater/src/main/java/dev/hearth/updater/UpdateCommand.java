package dev.hearth.updater;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.agent.api.Request;
import dev.hearth.agent.api.Response;
import dev.hearth.agent.wire.Method;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/** OTA-V1's commands, parsed once from a request. */
public sealed interface UpdateCommand {

    /** Exhaustive routing: one method per command. */
    interface Routes<R> {
        R install(Install c);

        R installChunks(InstallChunks c);

        R chunk(Chunk c);

        R status(Status c);

        R markGood(MarkGood c);

        R markBad(MarkBad c);

        R rollback(Rollback c);

        R refused(Refused c);
    }

    <R> R route(Routes<R> routes);

    /** EXEC install, body {@code {"url": "http://…/update.hup", "force": false}}. */
    record Install(URI url, boolean force) implements UpdateCommand {
        @Override
        public <R> R route(Routes<R> r) {
            return r.install(this);
        }
    }

    /**
     * EXEC install, body {@code {"source": "chunks", "size": N, "sha256": "<hex>", "force": false}}: opens a
     * transfer; the bundle follows in {@link Chunk}s.
     */
    record InstallChunks(long size, byte[] sha256, boolean force) implements UpdateCommand {
        @Override
        public <R> R route(Routes<R> r) {
            return r.installChunks(this);
        }
    }

    /** EXEC chunk, metrics {@code transfer} and {@code offset}, the chunk's bytes as the body. */
    record Chunk(String transfer, long offset, byte[] bytes) implements UpdateCommand {
        @Override
        public <R> R route(Routes<R> r) {
            return r.chunk(this);
        }
    }

    /** GET status. */
    record Status() implements UpdateCommand {
        @Override
        public <R> R route(Routes<R> r) {
            return r.status(this);
        }
    }

    /** EXEC mark-good: the running slot. */
    record MarkGood() implements UpdateCommand {
        @Override
        public <R> R route(Routes<R> r) {
            return r.markGood(this);
        }
    }

    /** EXEC mark-bad, body {@code {"slot": "B"}}; without a body, the running slot. */
    record MarkBad(Optional<String> slot) implements UpdateCommand {
        @Override
        public <R> R route(Routes<R> r) {
            return r.markBad(this);
        }
    }

    /** EXEC rollback: boot the other slot next and reboot. */
    record Rollback() implements UpdateCommand {
        @Override
        public <R> R route(Routes<R> r) {
            return r.rollback(this);
        }
    }

    /** Not a command of OTA-V1, or a malformed one. */
    record Refused(Response response) implements UpdateCommand {
        @Override
        public <R> R route(Routes<R> r) {
            return r.refused(this);
        }
    }

    ObjectMapper JSON = new ObjectMapper();

    static UpdateCommand parse(Request r) {
        String path = r.topic().resourcePath();
        Method m = r.method();
        try {
            if (m == Method.GET && path.equals("status")) {
                return new Status();
            }
            if (m == Method.EXEC && path.equals("install")) {
                JsonNode body = body(r, Set.of("url", "force", "source", "size", "sha256"));
                if (body.has("source")) {
                    return installChunks(body);
                }
                JsonNode url = body.get("url");
                if (url == null || !url.isTextual()) {
                    return new Refused(Response.badRequest("OTA-V1 install: the body needs \"url\""));
                }
                URI uri = new URI(url.asText());
                if (uri.getScheme() == null || !Set.of("http", "https", "file").contains(uri.getScheme())) {
                    return new Refused(Response.badRequest("OTA-V1 install: '" + uri + "' is not an http(s) or file URL"));
                }
                return new Install(uri, body.path("force").asBoolean(false));
            }
            if (m == Method.EXEC && path.equals("chunk")) {
                Optional<String> transfer = r.payload().string(CHUNK_TRANSFER);
                Optional<Long> offset = r.payload().whole(CHUNK_OFFSET);
                if (transfer.isEmpty() || offset.isEmpty()) {
                    return new Refused(Response.badRequest("OTA-V1 chunk: needs the metrics \"" + CHUNK_TRANSFER
                            + "\" (string) and \"" + CHUNK_OFFSET + "\" (integer)"));
                }
                return new Chunk(transfer.get(), offset.get(), r.payload().body());
            }
            if (m == Method.EXEC && path.equals("mark-good")) {
                return new MarkGood();
            }
            if (m == Method.EXEC && path.equals("mark-bad")) {
                JsonNode slot = body(r, Set.of("slot")).get("slot");
                return new MarkBad(slot == null ? Optional.empty() : Optional.of(slot.asText()));
            }
            if (m == Method.EXEC && path.equals("rollback")) {
                return new Rollback();
            }
        } catch (IOException | IllegalArgumentException e) {
            return new Refused(Response.badRequest("OTA-V1 " + path + ": malformed body: " + e.getMessage()));
        } catch (URISyntaxException e) {
            return new Refused(Response.badRequest("OTA-V1 " + path + ": malformed URL: " + e.getMessage()));
        }
        return new Refused(Response.notFound("OTA-V1 has no " + m + " " + path));
    }

    /** The metric naming the transfer a chunk belongs to. */
    String CHUNK_TRANSFER = "transfer";
    /** The metric holding the chunk's first byte's position in the bundle. */
    String CHUNK_OFFSET = "offset";

    private static UpdateCommand installChunks(JsonNode body) {
        if (!"chunks".equals(body.path("source").asText()) || body.has("url")) {
            return new Refused(Response.badRequest("OTA-V1 install: \"source\" can only be \"chunks\", without \"url\""));
        }
        JsonNode size = body.get("size");
        if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.asLong() <= 0) {
            return new Refused(Response.badRequest("OTA-V1 install: chunks need \"size\", the bundle's bytes (a positive integer)"));
        }
        String hex = body.path("sha256").asText("");
        byte[] sha256;
        try {
            sha256 = java.util.HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            sha256 = new byte[0];
        }
        if (sha256.length != 32) {
            return new Refused(Response.badRequest("OTA-V1 install: chunks need \"sha256\", the bundle's SHA-256 in 64 hex digits"));
        }
        return new InstallChunks(size.asLong(), sha256, body.path("force").asBoolean(false));
    }

    private static JsonNode body(Request r, Set<String> keys) throws IOException {
        byte[] bytes = r.payload().body();
        if (bytes.length == 0) {
            return JSON.createObjectNode();
        }
        JsonNode n = JSON.readTree(bytes);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!keys.contains(k)) {
                throw new IllegalArgumentException("unknown key '" + k + "', known " + keys);
            }
        }
        return n;
    }
}
