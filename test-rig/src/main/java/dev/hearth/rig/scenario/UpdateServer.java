package dev.hearth.rig.scenario;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rig host's web server for update bundles: GET {@code /<name>} with {@code Range: bytes=N-}
 * (the device's installer resumes a dropped download), on an address the board reaches. Counts
 * the bytes it sent, so a scenario can see a download progress.
 */
public final class UpdateServer implements AutoCloseable {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "rig-update-server");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Path> files = new ConcurrentHashMap<>();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    private UpdateServer(HttpServer server) {
        this.server = server;
    }

    /** Listens on {@code address} (port 0: any free port). */
    public static UpdateServer start(InetAddress address, int port) {
        try {
            UpdateServer s = new UpdateServer(HttpServer.create(new InetSocketAddress(address, port), 8));
            s.server.createContext("/", s::serve);
            s.server.setExecutor(s.threads);
            s.server.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("update server: cannot listen on " + address + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Serves {@code file} as {@code /<name>}. */
    public void publish(String name, Path file) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("update server: '" + name + "' is not a plain file name");
        }
        files.put(name, file);
    }

    public long bytesSent() {
        return bytesSent.get();
    }

    /** Downloads the board broke off (power cut, connection lost). */
    public long droppedDownloads() {
        return dropped.get();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            Path file = files.get(exchange.getRequestURI().getPath().substring(1));
            if (!"GET".equals(exchange.getRequestMethod()) || file == null) {
                exchange.sendResponseHeaders(file == null ? 404 : 405, -1);
                return;
            }
            long size = Files.size(file);
            long from = 0;
            String range = exchange.getRequestHeaders().getFirst("Range");
            if (range != null) {
                Matcher m = RANGE.matcher(range.trim());
                if (!m.matches() || Long.parseLong(m.group(1)) >= size) {
                    exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
                    exchange.sendResponseHeaders(416, -1);
                    return;
                }
                from = Long.parseLong(m.group(1));
                exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (size - 1) + "/" + size);
            }
            exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
            exchange.sendResponseHeaders(range == null ? 200 : 206, size - from);
            try (FileChannel channel = FileChannel.open(file); InputStream in = Channels.newInputStream(channel.position(from));
                 OutputStream out = exchange.getResponseBody()) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    bytesSent.addAndGet(n);
                }
            } catch (IOException e) {
                // The board lost power or dropped the connection mid-download: scenarios do that on purpose.
                dropped.incrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
