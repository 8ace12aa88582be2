package dev.hearth.rig.scenario;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateServerTest {

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aPublishedBundleIsServedWholeAndFromAnOffsetAndNothingElseIs() throws Exception {
        byte[] content = new byte[100_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        Path file = Files.write(tmp.resolve("next.hup"), content);
        try (UpdateServer server = UpdateServer.start(InetAddress.getLoopbackAddress(), 0)) {
            server.publish("next.hup", file);
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/next.hup");

            HttpResponse<byte[]> whole = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, whole.statusCode());
            assertArrayEquals(content, whole.body());

            HttpResponse<byte[]> tail = http.send(HttpRequest.newBuilder(uri).header("Range", "bytes=99000-").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, tail.statusCode());
            assertEquals("bytes 99000-99999/100000", tail.headers().firstValue("content-range").orElse(""));
            assertArrayEquals(Arrays.copyOfRange(content, 99_000, 100_000), tail.body());

            HttpResponse<Void> past = http.send(HttpRequest.newBuilder(uri).header("Range", "bytes=100000-").build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(416, past.statusCode());
            HttpResponse<Void> unknown = http.send(HttpRequest.newBuilder(uri.resolve("/other.hup")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(404, unknown.statusCode());
            assertEquals(content.length + 1_000, server.bytesSent());
        }
    }

    @Test
    void onlyPlainFileNamesArePublished() {
        try (UpdateServer server = UpdateServer.start(InetAddress.getLoopbackAddress(), 0)) {
            assertThrows(IllegalArgumentException.class, () -> server.publish("../etc/passwd", tmp));
        }
    }
}
