package dev.hearth.ota.install;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An update bundle at an HTTP(S) URL, streamed. When the connection drops, the stream reconnects
 * and asks for the rest with {@code Range: bytes=<position>-} (and {@code If-Range} with the first
 * response's ETag, so a changed file is not stitched to an old one); a server that ignores the
 * range sends the whole file again and the bytes already read are skipped. Nothing is stored.
 */
public final class HttpUpdateSource implements UpdateSource {

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final URI uri;
    private final HttpClient client;
    private final int maxRetries;
    private final Duration timeout;

    /** {@code maxRetries}: reconnections allowed in a row without a byte of progress. */
    public HttpUpdateSource(URI uri, HttpClient client, int maxRetries, Duration timeout) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.client = Objects.requireNonNull(client, "client");
        this.maxRetries = maxRetries;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (!uri.getScheme().equals("http") && !uri.getScheme().equals("https")) {
            throw new IllegalArgumentException("HTTP update source: not an http(s) URL: " + uri);
        }
    }

    public static HttpUpdateSource of(URI uri) {
        return new HttpUpdateSource(uri, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL).build(), 5, Duration.ofSeconds(60));
    }

    @Override
    public InputStream open() throws IOException {
        ResumingStream s = new ResumingStream();
        s.connect();
        return s;
    }

    @Override
    public String toString() {
        return uri.toString();
    }

    private final class ResumingStream extends InputStream {
        private long position;
        private long length = -1;
        private Optional<String> etag = Optional.empty();
        private InputStream body;
        private int failuresInARow;
        /** How many reconnections happened; for tests and status. */
        private int resumes;

        void connect() throws IOException {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET();
            if (position > 0) {
                b.header("Range", "bytes=" + position + "-");
                etag.ifPresent(t -> b.header("If-Range", t));
            }
            HttpResponse<InputStream> r;
            try {
                r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("HTTP update source: interrupted fetching " + uri);
            }
            InputStream in = r.body();
            if (r.statusCode() == 206) {
                Matcher m = CONTENT_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
                if (!m.matches() || Long.parseLong(m.group(1)) != position) {
                    in.close();
                    throw new IOException("HTTP update source: " + uri + " answered a range request for byte "
                            + position + " with Content-Range '" + r.headers().firstValue("Content-Range").orElse("") + "'");
                }
                if (!m.group(3).equals("*")) {
                    length = Long.parseLong(m.group(3));
                }
            } else if (r.statusCode() == 200) {
                if (position > 0) {
                    in.skipNBytes(position);
                }
                length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            } else {
                in.close();
                throw new IOException("HTTP update source: " + uri + " answered HTTP " + r.statusCode());
            }
            if (etag.isEmpty()) {
                etag = r.headers().firstValue("ETag");
            }
            body = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                try {
                    if (body == null) {
                        connect();
                        resumes++;
                    }
                    int n = body.read(b, off, len);
                    if (n < 0) {
                        if (length >= 0 && position < length) {
                            throw new IOException("connection ended at byte " + position + " of " + length);
                        }
                        return -1;
                    }
                    position += n;
                    failuresInARow = 0;
                    return n;
                } catch (IOException e) {
                    closeBody();
                    if (++failuresInARow > maxRetries) {
                        throw new IOException("HTTP update source: " + uri + " failed at byte " + position + " after "
                                + maxRetries + " retries", e);
                    }
                }
            }
        }

        private void closeBody() {
            InputStream in = body;
            body = null;
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    // The connection is already broken; the reconnect that follows reports any lasting failure.
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (body != null) {
                body.close();
            }
        }

        @Override
        public String toString() {
            return uri + " at byte " + position + " (" + resumes + " resumes)";
        }
    }
}
