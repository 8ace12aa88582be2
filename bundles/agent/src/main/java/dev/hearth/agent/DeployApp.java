package dev.hearth.agent;

import static dev.hearth.agent.wire.MetricNames.CLIENT_ID;
import static dev.hearth.agent.wire.MetricNames.DP_DOWNLOAD_ERROR;
import static dev.hearth.agent.wire.MetricNames.DP_DOWNLOAD_HASH;
import static dev.hearth.agent.wire.MetricNames.DP_DOWNLOAD_PROGRESS;
import static dev.hearth.agent.wire.MetricNames.DP_DOWNLOAD_SIZE;
import static dev.hearth.agent.wire.MetricNames.DP_DOWNLOAD_STATUS;
import static dev.hearth.agent.wire.MetricNames.DP_INSTALL;
import static dev.hearth.agent.wire.MetricNames.DP_INSTALL_ERROR;
import static dev.hearth.agent.wire.MetricNames.DP_INSTALL_PROGRESS;
import static dev.hearth.agent.wire.MetricNames.DP_INSTALL_STATUS;
import static dev.hearth.agent.wire.MetricNames.DP_NAME;
import static dev.hearth.agent.wire.MetricNames.DP_URI;
import static dev.hearth.agent.wire.MetricNames.DP_VERSION;
import static dev.hearth.agent.wire.MetricNames.JOB_ID;

import dev.hearth.agent.BundleInstaller.BundleFacts;
import dev.hearth.agent.DeployedPackages.DeployedPackage;
import dev.hearth.agent.api.App;
import dev.hearth.agent.api.Notifier;
import dev.hearth.agent.api.Request;
import dev.hearth.agent.api.Response;
import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.osgi.framework.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DEPLOY-V2, Kura's deployment app, compatible subset. A deployment package is one OSGi bundle jar
 * (there is no Deployment Admin in the distribution): EXEC {@code download} answers at once, then
 * downloads it on the app's own thread (http, https, file), checks {@code dp.download.hash}, installs
 * and starts it, reporting progress on {@code NOTIFY/<client-id>/download} and {@code …/install}.
 * GET {@code packages} | {@code bundles}; EXEC {@code uninstall} | {@code start/<id>} | {@code stop/<id>}.
 */
public final class DeployApp implements App, AutoCloseable {

    public static final String ID = "DEPLOY-V2";
    /** Where a deployment package's bundle is installed from: {@code hearth-dp:<name>}. */
    static final String LOCATION_PREFIX = "hearth-dp:";

    static final String IN_PROGRESS = "IN_PROGRESS";
    static final String COMPLETED = "COMPLETED";
    static final String FAILED = "FAILED";
    static final String ALREADY_DONE = "ALREADY DONE";

    private static final Logger LOG = LoggerFactory.getLogger(DeployApp.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final int PROGRESS_STEP = 10;
    /** The largest deployment package downloaded: a bundle, not a disk image. */
    static final long MAX_PACKAGE_BYTES = 256L << 20;

    /** A {@code dp.download.hash}: {@code ALG:hex}, such as {@code SHA-256:9f86…}. */
    record ContentHash(String algorithm, byte[] expected) {
        static ContentHash parse(String text) {
            int colon = text.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("is not ALG:hex");
            }
            String alg = text.substring(0, colon).trim().toUpperCase(java.util.Locale.ROOT);
            try {
                MessageDigest.getInstance(alg);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalArgumentException("names an unknown algorithm " + alg, e);
            }
            byte[] expected = HexFormat.of().parseHex(text.substring(colon + 1).trim().toLowerCase(java.util.Locale.ROOT));
            if (expected.length == 0) {
                throw new IllegalArgumentException("has no digest");
            }
            return new ContentHash(alg, expected);
        }

        String text() {
            return algorithm + ":" + HexFormat.of().formatHex(expected);
        }
    }

    /** DEPLOY-V2's commands, parsed once. */
    sealed interface Command {
        /** Exhaustive routing: one method per command. */
        interface Routes<R> {
            R download(Download c);
            R packages(Packages c);
            R bundles(Bundles c);
            R uninstall(Uninstall c);
            R start(Start c);
            R stop(Stop c);
            R refused(Refused c);
        }

        <R> R route(Routes<R> routes);

        record Download(URI uri, String name, String version, long jobId, boolean install, ContentHash hash)
                implements Command {
            @Override public <R> R route(Routes<R> r) { return r.download(this); }
        }
        record Packages() implements Command {
            @Override public <R> R route(Routes<R> r) { return r.packages(this); }
        }
        record Bundles() implements Command {
            @Override public <R> R route(Routes<R> r) { return r.bundles(this); }
        }
        record Uninstall(String name) implements Command {
            @Override public <R> R route(Routes<R> r) { return r.uninstall(this); }
        }
        record Start(long bundleId) implements Command {
            @Override public <R> R route(Routes<R> r) { return r.start(this); }
        }
        record Stop(long bundleId) implements Command {
            @Override public <R> R route(Routes<R> r) { return r.stop(this); }
        }
        record Refused(Response response) implements Command {
            @Override public <R> R route(Routes<R> r) { return r.refused(this); }
        }

        static Command parse(Request r) {
            List<String> res = r.resource();
            String path = r.topic().resourcePath();
            try {
                if (r.method() == Method.GET && path.equals("packages")) {
                    return new Packages();
                }
                if (r.method() == Method.GET && path.equals("bundles")) {
                    return new Bundles();
                }
                if (r.method() == Method.EXEC && path.equals("download")) {
                    return download(r.payload());
                }
                if (r.method() == Method.EXEC && path.equals("uninstall")) {
                    return new Uninstall(name(r.payload()));
                }
                if (r.method() == Method.EXEC && res.size() == 2 && (res.get(0).equals("start") || res.get(0).equals("stop"))) {
                    long id = bundleId(res.get(1));
                    return res.get(0).equals("start") ? new Start(id) : new Stop(id);
                }
            } catch (IllegalArgumentException e) {
                return new Refused(Response.badRequest("DEPLOY-V2 " + r.method() + " " + path + ": " + e.getMessage()));
            }
            return new Refused(Response.notFound("DEPLOY-V2 has no " + r.method() + " " + path));
        }

        private static Download download(Payload p) {
            String uriText = required(p, DP_URI);
            URI uri;
            try {
                uri = new URI(uriText);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(DP_URI + " is not a URI: " + e.getMessage(), e);
            }
            String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(java.util.Locale.ROOT);
            if (!List.of("http", "https", "file").contains(scheme)) {
                throw new IllegalArgumentException(DP_URI + " must be http, https or file, was '" + scheme + "'");
            }
            String version = required(p, DP_VERSION);
            try {
                Version.parseVersion(version);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(DP_VERSION + " is not an OSGi version: " + version, e);
            }
            long jobId = p.whole(JOB_ID).orElseThrow(() -> new IllegalArgumentException(JOB_ID + " (a whole number) is missing"));
            ContentHash hash;
            try {
                hash = ContentHash.parse(required(p, DP_DOWNLOAD_HASH));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(DP_DOWNLOAD_HASH + " " + e.getMessage(), e);
            }
            return new Download(uri, name(p), version, jobId, install(p), hash);
        }

        private static boolean install(Payload p) {
            Object v = p.metrics().get(DP_INSTALL);
            if (v == null) {
                return true;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                return Boolean.parseBoolean(s);
            }
            throw new IllegalArgumentException(DP_INSTALL + " must be true or false, was " + v);
        }

        private static String name(Payload p) {
            String name = required(p, DP_NAME);
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(DP_NAME + " must be letters, digits, '.', '_' or '-', was '" + name + "'");
            }
            return name;
        }

        private static String required(Payload p, String metric) {
            return p.string(metric).filter(s -> !s.isBlank())
                    .orElseThrow(() -> new IllegalArgumentException(metric + " is missing"));
        }

        private static long bundleId(String text) {
            try {
                long id = Long.parseLong(text);
                if (id < 0) {
                    throw new IllegalArgumentException("a bundle id is not negative, was " + text);
                }
                return id;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a bundle id is a whole number, was '" + text + "'", e);
            }
        }
    }

    private final BundleInstaller installer;
    private final DeployedPackages packages;
    private final Path downloads;
    private final String clientId;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hearth-agent-deploy");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param installer where bundles go
     * @param directory the app's store: {@code packages.json} and {@code downloads/}
     * @param clientId  this device's client id, sent as {@code client.id} in notifications
     */
    public DeployApp(BundleInstaller installer, Path directory, String clientId) {
        this.installer = installer;
        this.packages = new DeployedPackages(directory);
        this.downloads = directory.resolve("downloads");
        this.clientId = clientId;
        try {
            Files.createDirectories(downloads);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + downloads, e);
        }
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Response handle(Request request) {
        return Command.parse(request).route(new Command.Routes<>() {
            @Override
            public Response download(Command.Download c) {
                Notifier notifier = request.notifier();
                worker.execute(() -> deploy(c, notifier));
                return Response.ok();
            }

            @Override
            public Response packages(Command.Packages c) {
                return Response.json(packages.all().stream().map(p -> {
                    Optional<BundleFacts> b = installer.bundle(p.bundleId());
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", p.name());
                    m.put("version", p.version());
                    m.put("bundleId", p.bundleId());
                    m.put("symbolicName", b.map(BundleFacts::symbolicName).orElse(""));
                    m.put("state", b.map(BundleFacts::state).orElse("UNINSTALLED"));
                    return m;
                }).toList());
            }

            @Override
            public Response bundles(Command.Bundles c) {
                return Response.json(installer.bundles());
            }

            @Override
            public Response uninstall(Command.Uninstall c) {
                Optional<DeployedPackage> p = packages.get(c.name());
                if (p.isEmpty()) {
                    return Response.notFound("DEPLOY-V2: no deployment package " + c.name());
                }
                try {
                    if (installer.bundle(p.get().bundleId()).isPresent()) {
                        installer.uninstall(p.get().bundleId());
                    }
                } catch (DeployFailedException e) {
                    return Response.error("DEPLOY-V2: cannot uninstall " + c.name(), e);
                }
                packages.remove(c.name());
                LOG.info("deploy: uninstalled {} {} (bundle {})", c.name(), p.get().version(), p.get().bundleId());
                return Response.json(p.get());
            }

            @Override
            public Response start(Command.Start c) {
                return lifecycle(c.bundleId(), "start");
            }

            @Override
            public Response stop(Command.Stop c) {
                return lifecycle(c.bundleId(), "stop");
            }

            @Override
            public Response refused(Command.Refused c) {
                return c.response();
            }
        });
    }

    private Response lifecycle(long bundleId, String verb) {
        if (bundleId == 0) {
            return Response.badRequest("DEPLOY-V2: the system bundle is not started or stopped here (SYS-V1 reboot)");
        }
        if (installer.bundle(bundleId).isEmpty()) {
            return Response.notFound("DEPLOY-V2: no bundle " + bundleId);
        }
        try {
            if (verb.equals("start")) {
                installer.start(bundleId);
            } else {
                installer.stop(bundleId);
            }
        } catch (DeployFailedException e) {
            return Response.error("DEPLOY-V2: cannot " + verb + " bundle " + bundleId, e);
        }
        return Response.json(installer.bundle(bundleId).orElseThrow());
    }

    /** One download job, on the worker thread: download, verify, install, start. */
    private void deploy(Command.Download c, Notifier notifier) {
        Optional<DeployedPackage> known = packages.get(c.name());
        if (known.isPresent() && known.get().version().equals(c.version())
                && installer.bundle(known.get().bundleId()).isPresent()) {
            notifier.notify("download", download(c, 100, -1, ALREADY_DONE));
            return;
        }
        Path part = downloads.resolve(c.jobId() + ".part");
        try {
            long size = fetch(c, part, notifier);
            if (!c.install()) {
                Files.move(part, downloads.resolve(c.name() + "-" + c.version() + ".jar"), StandardCopyOption.REPLACE_EXISTING);
                LOG.info("deploy: job {} downloaded {} {} ({} bytes), not installed", c.jobId(), c.name(), c.version(), size);
                return;
            }
        } catch (RuntimeException | IOException e) {
            LOG.warn("deploy: job {} download of {} {} failed: {}", c.jobId(), c.name(), c.version(), e.getMessage());
            Map<String, Object> m = download(c, 0, -1, FAILED);
            m.put(DP_DOWNLOAD_ERROR, e.getMessage());
            notifier.notify("download", m);
            delete(part);
            return;
        }
        try {
            notifier.notify("install", install(c, 0, IN_PROGRESS));
            BundleFacts installed = install(c, part, known);
            notifier.notify("install", install(c, 50, IN_PROGRESS));
            installer.start(installed.id());
            LOG.info("deploy: job {} installed and started {} {} (bundle {})", c.jobId(), c.name(), c.version(), installed.id());
            notifier.notify("install", install(c, 100, COMPLETED));
        } catch (RuntimeException | IOException e) {
            LOG.warn("deploy: job {} install of {} {} failed: {}", c.jobId(), c.name(), c.version(), e.getMessage());
            Map<String, Object> m = install(c, 100, FAILED);
            m.put(DP_INSTALL_ERROR, e.getMessage());
            notifier.notify("install", m);
        } finally {
            delete(part);
        }
    }

    /** Installs (or, for a known package, updates) the bundle; a fresh bundle that cannot start is removed. */
    private BundleFacts install(Command.Download c, Path jar, Optional<DeployedPackage> known) throws IOException {
        Optional<Long> existing = known.map(DeployedPackage::bundleId).filter(id -> installer.bundle(id).isPresent());
        BundleFacts facts;
        try (InputStream in = Files.newInputStream(jar)) {
            facts = existing.isPresent() ? installer.update(existing.get(), in)
                    : installer.install(LOCATION_PREFIX + c.name(), in);
        }
        packages.put(new DeployedPackage(c.name(), c.version(), facts.id()));
        return facts;
    }

    /** Downloads into {@code part}, notifying every {@value #PROGRESS_STEP} %, and verifies the hash. */
    private long fetch(Command.Download c, Path part, Notifier notifier) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance(c.hash().algorithm());
        } catch (NoSuchAlgorithmException e) {
            throw new DeployFailedException("no " + c.hash().algorithm(), e);
        }
        long done = 0;
        long size;
        Source source = open(c.uri());
        try (InputStream in = source.in(); OutputStream out = Files.newOutputStream(part)) {
            size = source.size();
            if (size > MAX_PACKAGE_BYTES) {
                throw new DeployFailedException(c.uri() + " is " + size + " bytes, more than " + MAX_PACKAGE_BYTES);
            }
            notifier.notify("download", download(c, 0, size, IN_PROGRESS));
            byte[] buffer = new byte[64 * 1024];
            int lastStep = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                done += n;
                if (done > MAX_PACKAGE_BYTES) {
                    throw new DeployFailedException(c.uri() + " is more than " + MAX_PACKAGE_BYTES + " bytes");
                }
                if (size > 0) {
                    int percent = (int) Math.min(99, done * 100 / size);
                    if (percent / PROGRESS_STEP > lastStep) {
                        lastStep = percent / PROGRESS_STEP;
                        notifier.notify("download", download(c, lastStep * PROGRESS_STEP, size, IN_PROGRESS));
                    }
                }
            }
        }
        byte[] actual = digest.digest();
        if (!MessageDigest.isEqual(actual, c.hash().expected())) {
            throw new DeployFailedException("hash mismatch: expected " + c.hash().text() + ", got "
                    + c.hash().algorithm() + ":" + HexFormat.of().formatHex(actual));
        }
        notifier.notify("download", download(c, 100, done, COMPLETED));
        return done;
    }

    /** An opened download and its declared size (-1 when unknown). */
    private record Source(InputStream in, long size) { }

    private Source open(URI uri) throws IOException {
        if (uri.getScheme().equalsIgnoreCase("file")) {
            Path p = Path.of(uri);
            return new Source(Files.newInputStream(p), Files.size(p));
        }
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                throw new DeployFailedException("HTTP " + r.statusCode() + " from " + uri);
            }
            return new Source(r.body(), r.headers().firstValueAsLong("Content-Length").orElse(-1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployFailedException("download of " + uri + " interrupted", e);
        }
    }

    private Map<String, Object> download(Command.Download c, int progress, long size, String status) {
        Map<String, Object> m = job(c);
        m.put(DP_DOWNLOAD_PROGRESS, progress);
        m.put(DP_DOWNLOAD_SIZE, size);
        m.put(DP_DOWNLOAD_STATUS, status);
        return m;
    }

    private Map<String, Object> install(Command.Download c, int progress, String status) {
        Map<String, Object> m = job(c);
        m.put(DP_INSTALL_PROGRESS, progress);
        m.put(DP_INSTALL_STATUS, status);
        return m;
    }

    private Map<String, Object> job(Command.Download c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(JOB_ID, c.jobId());
        m.put(CLIENT_ID, clientId);
        m.put(DP_NAME, c.name());
        m.put(DP_VERSION, c.version());
        return m;
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("deploy: cannot delete {}: {}", p, e.getMessage());
        }
    }

    /** Stops the worker; a running job is interrupted. */
    @Override
    public void close() {
        worker.shutdownNow();
        try {
            if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("deploy: the worker did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
