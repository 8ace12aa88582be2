package dev.hearth.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.agent.api.Response;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every command the agent received, obeyed or not: one JSON object per line, appended, never
 * rewritten. Fields: time, requester, signed, app, method, resource, code, outcome. Bodies are never
 * written (they may hold personal data). Thread-safe.
 */
final class AuditLog implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final java.nio.channels.FileChannel channel;

    AuditLog(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.getParent());
            channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("audit log: cannot open " + file, e);
        }
    }

    /**
     * @param requester the requester as claimed ({@code ?} when the request named none)
     * @param code      the response code sent, or 0 when no reply went out
     * @param outcome   what happened, for people
     */
    void record(String requester, boolean signed, String app, String method, String resource, int code, String outcome) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("requester", requester);
        line.put("signed", signed);
        line.put("app", app);
        line.put("method", method);
        line.put("resource", resource);
        line.put("code", code);
        line.put("outcome", outcome);
        byte[] bytes;
        try {
            bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit log: cannot write an entry as JSON", e);
        }
        synchronized (this) {
            try {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("audit log: cannot append to " + file, e);
            }
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("audit log: cannot close " + file, e);
        }
    }
}
