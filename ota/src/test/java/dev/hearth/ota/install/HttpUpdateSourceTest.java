package dev.hearth.ota.install;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hearth.ota.Bundles;
import dev.hearth.ota.CertificateAuthority;
import dev.hearth.ota.FileBlockDevice;
import dev.hearth.ota.FileBoard;
import dev.hearth.ota.SigningKey;
import dev.hearth.ota.UpdatePolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resumable downloads against a JDK HTTP server on loopback that drops connections midway. */
class HttpUpdateSourceTest {

    @TempDir
    Path dir;
    HttpServer server;
    final List<String> ranges = new CopyOnWriteArrayList<>();
    final AtomicInteger drops = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Serves {@code body}; each of the first {@code dropsLeft} responses ends after {@code cut} bytes. */
    private URI serve(byte[] body, int dropsLeft, int cut, boolean honourRange) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger left = new AtomicInteger(dropsLeft);
        server.createContext("/update.hup", exchange -> answer(exchange, body, left, cut, honourRange));
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/update.hup");
    }

    private void answer(HttpExchange ex, byte[] body, AtomicInteger left, int cut, boolean honourRange) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        ranges.add(range == null ? "-" : range);
        int start = 0;
        ex.getResponseHeaders().add("ETag", "\"v2\"");
        Matcher m = range == null ? null : Pattern.compile("bytes=(\\d+)-").matcher(range);
        if (honourRange && m != null && m.matches()) {
            start = Integer.parseInt(m.group(1));
            ex.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (body.length - 1) + "/" + body.length);
            ex.sendResponseHeaders(206, body.length - start);
        } else {
            ex.sendResponseHeaders(200, body.length);
        }
        OutputStream out = ex.getResponseBody();
        if (left.getAndDecrement() > 0) {
            out.write(body, start, Math.min(cut, body.length - start));
            out.flush();
            drops.incrementAndGet();
            ex.close();
            return;
        }
        out.write(body, start, body.length - start);
        out.close();
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(3).nextBytes(b);
        return b;
    }

    private static HttpUpdateSource source(URI uri, int retries) {
        return new HttpUpdateSource(uri, HttpClient.newHttpClient(), retries, Duration.ofSeconds(20));
    }

    @Test
    void aDroppedDownloadResumesWithARangeRequestAndDeliversEveryByteOnce() throws IOException {
        byte[] body = random(300_000);
        URI uri = serve(body, 2, 100_000, true);
        try (InputStream in = source(uri, 3).open()) {
            assertArrayEquals(body, in.readAllBytes());
        }
        assertEquals(2, drops.get());
        assertEquals("-", ranges.get(0));
        assertTrue(ranges.get(1).startsWith("bytes=") && !ranges.get(1).equals("bytes=0-"), ranges.toString());
        assertEquals(3, ranges.size());
    }

    @Test
    void aServerThatIgnoresRangesSendsItAllAgainAndTheReadBytesAreSkipped() throws IOException {
        byte[] body = random(200_000);
        URI uri = serve(body, 1, 70_000, false);
        try (InputStream in = source(uri, 3).open()) {
            assertArrayEquals(body, in.readAllBytes());
        }
    }

    @Test
    void aDownloadThatKeepsFailingEndsWithTheByteItReached() throws IOException {
        byte[] body = random(100_000);
        URI uri = serve(body, 100, 0, true);
        IOException e = assertThrows(IOException.class, () -> {
            try (InputStream in = source(uri, 2).open()) {
                in.readAllBytes();
            }
        });
        assertTrue(e.getMessage().contains("failed at byte 0 after 2 retries"), e.getMessage());
    }

    @Test
    void anInstallStreamsFromAUrlThroughDroppedConnections() throws IOException {
        CertificateAuthority ca = CertificateAuthority.root("Hearth Test Root");
        SigningKey signer = ca.signer("Hearth Release Signer");
        FileBoard board = new FileBoard(dir, 256 * 1024);
        byte[] image = random(250_000);
        byte[] bundle = new Bundles(dir).payload("rootfs", "rootfs", image).signed(signer, Instant.parse("2026-03-01T00:00:00Z"));
        URI uri = serve(bundle, 3, 60_000, true);
        Installer installer = new Installer(ca.keyring(), board.slots, board.bootloader, FileBlockDevice::open,
                new Installer.Settings(64 * 1024, Optional.empty()));
        InstallResult r = installer.install(source(uri, 3), UpdatePolicy.of("test-board", 1), "A");
        assertInstanceOf(InstallResult.Installed.class, r, r::toString);
        assertArrayEquals(image, Arrays.copyOf(Files.readAllBytes(board.slotB), image.length));
        assertEquals(3, drops.get());
    }
}
