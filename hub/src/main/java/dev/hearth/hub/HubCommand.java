package dev.hearth.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hearth.agent.wire.CommandSignature;
import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.MetricNames;
import dev.hearth.agent.wire.Namespace;
import dev.hearth.agent.wire.TlsFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hearth hub}: commands devices over MQTT. Exit codes: 0 done, 1 the device refused or failed
 * (its 4xx/5xx reply is printed), 2 bad usage, 3 no reply in time, 4 the broker is unreachable.
 */
@Command(name = "hub", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Command Hearth devices over MQTT (Kura's control namespace).",
        subcommands = {HubCommand.Devices.class, HubCommand.Services.class, HubCommand.Deploy.class,
                HubCommand.Scale.class, HubCommand.Stop.class, HubCommand.Remove.class, HubCommand.Logs.class,
                HubCommand.Reboot.class, HubCommand.Config.class, HubCommand.Watch.class, HubCommand.Keygen.class,
                HubCommand.DeployPackage.class, HubCommand.Packages.class, HubCommand.UndeployPackage.class,
                OtaCommand.class},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:done", "1:the device refused or failed", "2:bad usage", "3:no reply in time",
                "4:broker unreachable"})
public final class HubCommand {

    static final String DEPLOY_APP = "DEPLOY-V2";
    static final int REFUSED = 1;
    static final int TIMEOUT = 3;
    static final int UNREACHABLE = 4;
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--broker", description = "Broker URL (default ${DEFAULT-VALUE})", defaultValue = HubSettings.DEFAULT_BROKER_URL, scope = CommandLine.ScopeType.INHERIT)
    String broker;
    @Option(names = "--account", defaultValue = "hearth", description = "Account (default ${DEFAULT-VALUE})", scope = CommandLine.ScopeType.INHERIT)
    String account;
    @Option(names = "--client-id", defaultValue = HubSettings.DEFAULT_CLIENT_ID, description = "This hub's client id (default ${DEFAULT-VALUE})", scope = CommandLine.ScopeType.INHERIT)
    String clientId;
    @Option(names = "--user", defaultValue = "", description = "Broker user name", scope = CommandLine.ScopeType.INHERIT)
    String user;
    @Option(names = "--password-env", defaultValue = "HEARTH_HUB_PASSWORD", description = "Environment variable holding the broker password (default ${DEFAULT-VALUE})", scope = CommandLine.ScopeType.INHERIT)
    String passwordEnv;
    @Option(names = "--key", description = "Ed25519 private key (PKCS#8 PEM) to sign commands with", scope = CommandLine.ScopeType.INHERIT)
    Path key;
    @Option(names = "--ca", description = "PEM file of the CA certificates that sign an ssl:// broker's certificate (default: the JVM's)", scope = CommandLine.ScopeType.INHERIT)
    Path caFile;
    @Option(names = "--cert", description = "PEM file of this hub's client certificate, for ssl:// brokers that require one", scope = CommandLine.ScopeType.INHERIT)
    Path certFile;
    @Option(names = "--cert-key", description = "PEM file of the client certificate's PKCS#8 private key", scope = CommandLine.ScopeType.INHERIT)
    Path certKeyFile;
    @Option(names = "--timeout", defaultValue = "PT5S", converter = DurationConverter.class, description = "How long to wait for a reply, e.g. 5s, 500ms (default 5s)", scope = CommandLine.ScopeType.INHERIT)
    Duration timeout;
    @Option(names = "--json", description = "Print JSON for scripts instead of tables", scope = CommandLine.ScopeType.INHERIT)
    boolean json;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8), args));
    }

    /** Runs the CLI with the given streams; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new HubCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof CommandTimeoutException) {
                err.println("hub: " + e.getMessage());
                return TIMEOUT;
            }
            if (e instanceof BrokerUnreachableException) {
                err.println("hub: " + e.getMessage());
                return UNREACHABLE;
            }
            if (e instanceof MqttException) {
                err.println("hub: broker " + ((HubCommand) line.getCommandSpec().root().userObject()).broker
                        + " unreachable: " + e.getMessage());
                return UNREACHABLE;
            }
            if (e instanceof IllegalArgumentException || e instanceof IOException) {
                err.println("hub: " + e.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            throw e;
        });
        return cl.execute(args);
    }

    HubClient connect() throws BrokerUnreachableException {
        String password = System.getenv().getOrDefault(passwordEnv, "");
        HubSettings s = HubSettings.of(broker, clientId).withNamespace(Namespace.of(account)).withCredentials(user, password)
                .withTls(new TlsFiles(Optional.ofNullable(caFile), Optional.ofNullable(certFile), Optional.ofNullable(certKeyFile)));
        if (key != null) {
            s = s.withSigningKey(CommandSignature.readPrivateKey(key));
        }
        // Connecting gets at least 5 s: --timeout is about the device's reply.
        return HubClient.connect(s, timeout.compareTo(Duration.ofSeconds(5)) < 0 ? Duration.ofSeconds(5) : timeout);
    }

    /** Sends one command and prints its reply; returns the exit code. */
    int call(CommandLine.Model.CommandSpec spec, String device, String app, Method method, String resource,
             Map<String, Object> metrics, byte[] body, Printer printer) throws Exception {
        try (HubClient hub = connect()) {
            Reply r = hub.call(device, app, method, resource, metrics, body, timeout);
            PrintWriter out = spec.commandLine().getOut();
            if (!r.ok()) {
                spec.commandLine().getErr().println("hub: " + device + " answered " + r.code() + ": " + r.message());
                return REFUSED;
            }
            if (json) {
                out.println(r.body().isEmpty() ? "{}" : JSON.writeValueAsString(JSON.readTree(r.body())));
            } else {
                printer.print(out, r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body()));
            }
            return 0;
        }
    }

    @FunctionalInterface
    interface Printer {
        void print(PrintWriter out, JsonNode body);
    }

    static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> r : all) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < w.length; i++) {
                b.append(String.format(Locale.ROOT, "%-" + (w[i] + 2) + "s", r.get(i)));
            }
            out.println(b.toString().stripTrailing());
        }
    }

    static void status(PrintWriter out, JsonNode s) {
        table(out, List.of("SERVICE", "STATE", "INSTANCES", "REQUESTS", "COLD STARTS", "ACTIVE MS", "LAST ERROR"),
                List.of(row(s)));
    }

    static List<String> row(JsonNode s) {
        return List.of(s.path("name").asText(), s.path("state").asText(), s.path("instances").asText(),
                s.path("requests").asText(), s.path("coldStarts").asText(), s.path("activeMillis").asText(),
                s.path("lastError").asText());
    }

    abstract static class Sub {
        @CommandLine.ParentCommand
        HubCommand hub;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
    }

    @Command(name = "devices", description = "Devices seen by their birth certificates, online or not.")
    static final class Devices extends Sub implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--listen", defaultValue = "PT1S", converter = DurationConverter.class, description = "How long to listen (default 1s)")
        Duration listen;

        @Override
        public Integer call() throws Exception {
            Map<String, Map<String, Object>> devices = new TreeMap<>();
            try (HubClient client = hub.connect()) {
                client.watch(e -> {
                    synchronized (devices) {
                        Map<String, Object> d = devices.computeIfAbsent(e.device(), k -> new TreeMap<>());
                        switch (e.kind()) {
                            case "BIRTH", "STATUS" -> {
                                d.putAll(e.payload().metrics());
                                d.put("online", !"false".equals(e.payload().string("hearth.online").orElse("true")));
                            }
                            case "DC", "LWT" -> d.put("online", false);
                            default -> { }
                        }
                    }
                });
                TimeUnit.MILLISECONDS.sleep(listen.toMillis());
            }
            PrintWriter out = spec.commandLine().getOut();
            synchronized (devices) {
                devices.values().removeIf(d -> !d.containsKey("online"));
                if (hub.json) {
                    out.println(JSON.writeValueAsString(devices));
                } else {
                    List<List<String>> rows = new ArrayList<>();
                    devices.forEach((id, d) -> rows.add(List.of(id, String.valueOf(d.get("online")),
                            String.valueOf(d.getOrDefault("firmware_version", "")),
                            String.valueOf(d.getOrDefault("hearth.slot", "")),
                            String.valueOf(d.getOrDefault("hearth.services", "")))));
                    table(out, List.of("DEVICE", "ONLINE", "FIRMWARE", "SLOT", "SERVICES"), rows);
                }
            }
            return 0;
        }
    }

    @Command(name = "services", description = "The services of a device.")
    static final class Services extends Sub implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0", description = "Device client id")
        String device;

        @Override
        public Integer call() throws Exception {
            return hub.call(spec, device, "SVC-V1", Method.GET, "services", Map.of(), new byte[0], (out, body) -> {
                List<List<String>> rows = new ArrayList<>();
                body.forEach(s -> rows.add(row(s)));
                table(out, List.of("SERVICE", "STATE", "INSTANCES", "REQUESTS", "COLD STARTS", "ACTIVE MS", "LAST ERROR"), rows);
            });
        }
    }

    @Command(name = "deploy", description = "Deploy or change a service from a JSON service spec file.")
    static final class Deploy extends Sub implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0", description = "Device client id")
        String device;
        @Parameters(index = "1", description = "JSON service spec (name, driver, image, limits …)")
        Path specFile;

        @Override
        public Integer call() throws Exception {
            byte[] body = Files.readAllBytes(specFile);
            JsonNode spec0 = JSON.readTree(body);
            String name = spec0.path("name").asText("");
            if (name.isEmpty()) {
                throw new IllegalArgumentException(specFile + " has no \"name\"");
            }
            return hub.call(spec, device, "SVC-V1", Method.PUT, "services/" + name, Map.of(), body,
                    (out, b) -> out.println("deployed " + b.path("name").asText() + " on " + device));
        }
    }

    @Command(name = "scale", description = "Start instances ahead of demand.")
    static final class Scale extends Sub implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0") String device;
        @Parameters(index = "1") String service;
        @Parameters(index = "2", description = "Instances to run") int count;

        @Override
        public Integer call() throws Exception {
            return hub.call(spec, device, "SVC-V1", Method.EXEC, "services/" + service + "/scale",
                    Map.of("count", count), new byte[0], HubCommand::status);
        }
    }

    @Command(name = "stop", description = "Stop every instance of a service.")
    static final class Stop extends Sub implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0") String device;
        @Parameters(index = "1") String service;

        @Override
        public Integer call() throws Exception {
            return hub.call(spec, device, "SVC-V1", Method.EXEC, "services/" + service + "/stop", Map.of(),
                    new byte[0], HubCommand::status);
        }
    }

    @Command(name = "remove", description = "Unregister a service.")
    static final class Remove extends Sub implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0") String device;
        @Parameters(index = "1") String service;

        @Override
        public Integer call() throws Exception {
            return hub.call(spec, device, "SVC-V1", Method.DEL, "services/" + service, Map.of(), new byte[0],
                    (out, b) -> out.println("removed " + service + " from " + device));
        }
    }

    @Command(name = "logs", description = "A service's status and the last log lines of its instances.")
    static final class Logs extends Sub implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0") String device;
        @Parameters(index = "1") String service;
        @Option(names = "--lines", defaultValue = "50") int lines;

        @Override
        public Integer call() throws Exception {
            return hub.call(spec, device, "SVC-V1", Method.GET, "services/" + service, Map.of("lines", lines),
                    new byte[0], (out, b) -> {
                        status(out, b);
                        b.path("logs").forEach(l -> out.println(l.asText()));
                    });
        }
    }

    @Command(name = "reboot", description = "Reboot a device (on a developer machine: restart its userland).")
    static final class Reboot extends Sub implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0") String device;

        @Override
        public Integer call() throws Exception {
            return hub.call(spec, device, "SYS-V1", Method.EXEC, "reboot", Map.of(), new byte[0],
                    (out, b) -> out.println(device + " is rebooting"));
        }
    }

    @Command(name = "config", description = "Read or change a Hearth component's configuration.",
            subcommands = {ConfigGet.class, ConfigPut.class})
    static final class Config {
    }

    @Command(name = "get", description = "Every Hearth configuration, or one PID's.")
    static final class ConfigGet implements java.util.concurrent.Callable<Integer> {
        @CommandLine.ParentCommand Config parent;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0") String device;
        @Parameters(index = "1", arity = "0..1") String pid;

        @Override
        public Integer call() throws Exception {
            HubCommand hub = (HubCommand) spec.root().userObject();
            return hub.call(spec, device, "CONF-V1", Method.GET, pid == null ? "configurations" : "configurations/" + pid,
                    Map.of(), new byte[0], (out, b) -> out.println(b.toPrettyString()));
        }
    }

    @Command(name = "put", description = "Replace a PID's properties with a JSON object from a file.")
    static final class ConfigPut implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0") String device;
        @Parameters(index = "1") String pid;
        @Parameters(index = "2") Path file;

        @Override
        public Integer call() throws Exception {
            HubCommand hub = (HubCommand) spec.root().userObject();
            return hub.call(spec, device, "CONF-V1", Method.PUT, "configurations/" + pid, Map.of(),
                    Files.readAllBytes(file), (out, b) -> out.println(b.toPrettyString()));
        }
    }

    @Command(name = "watch", description = "Print a device's lifecycle events and telemetry as they come.")
    static final class Watch extends Sub implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0") String device;
        @Option(names = "--for", converter = DurationConverter.class, description = "Stop after this long (default: until interrupted)")
        Duration duration;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (HubClient client = hub.connect()) {
                client.watch(e -> {
                    if (!e.device().equals(device)) {
                        return;
                    }
                    synchronized (out) {
                        if (hub.json) {
                            out.println("{\"device\":\"" + e.device() + "\",\"kind\":\"" + e.kind() + "\",\"metrics\":"
                                    + jsonOf(e.payload().metrics()) + "}");
                        } else {
                            out.println(java.time.Instant.now() + " " + e.kind() + " " + e.payload().metrics());
                        }
                        out.flush();
                    }
                });
                CountDownLatch never = new CountDownLatch(1);
                if (duration == null) {
                    never.await();
                } else {
                    never.await(duration.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            return 0;
        }

        private static String jsonOf(Map<String, Object> m) {
            try {
                return new ObjectMapper().writeValueAsString(m);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Command(name = "deploy-package", description = "Install (or update) an OSGi bundle jar on a device from a URL (DEPLOY-V2), "
            + "following its download and install progress until done.")
    static final class DeployPackage extends Sub implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0", description = "Device client id") String device;
        @Parameters(index = "1", description = "http, https or file URL of the bundle jar, as the device sees it") String url;
        @Option(names = "--hash", required = true, description = "The jar's digest, ALG:hex (e.g. SHA-256:9f86…)") String hash;
        @Option(names = "--name", required = true, description = "Deployment package name") String name;
        @Option(names = "--version", required = true, description = "Deployment package version (OSGi)") String version;
        @Option(names = "--job", description = "Job id (default: the current time in ms)") Long job;
        @Option(names = "--wait", defaultValue = "PT2M", converter = DurationConverter.class,
                description = "How long to follow the job's progress (default 2m)") Duration wait;

        @Override
        public Integer call() throws Exception {
            long jobId = job == null ? System.currentTimeMillis() : job;
            PrintWriter out = spec.commandLine().getOut();
            java.util.concurrent.BlockingQueue<Notification> progress = new java.util.concurrent.LinkedBlockingQueue<>();
            try (HubClient client = hub.connect()) {
                client.notifications(n -> {
                    if (n.device().equals(device) && n.appId().equals(DEPLOY_APP)
                            && n.payload().whole(MetricNames.JOB_ID).orElse(-1L) == jobId) {
                        progress.add(n);
                    }
                });
                Map<String, Object> metrics = new java.util.LinkedHashMap<>();
                metrics.put(MetricNames.DP_URI, url);
                metrics.put(MetricNames.DP_NAME, name);
                metrics.put(MetricNames.DP_VERSION, version);
                metrics.put(MetricNames.JOB_ID, jobId);
                metrics.put(MetricNames.DP_INSTALL, true);
                metrics.put(MetricNames.DP_DOWNLOAD_HASH, hash);
                Reply r = client.call(device, DEPLOY_APP, Method.EXEC, "download", metrics, new byte[0], hub.timeout);
                if (!r.ok()) {
                    spec.commandLine().getErr().println("hub: " + device + " answered " + r.code() + ": " + r.message());
                    return REFUSED;
                }
                long deadline = System.nanoTime() + wait.toNanos();
                while (true) {
                    Notification n = progress.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (n == null) {
                        throw new CommandTimeoutException(device, "DEPLOY-V2 job " + jobId + " (" + name + " " + version + ")", wait);
                    }
                    String download = n.payload().string(MetricNames.DP_DOWNLOAD_STATUS).orElse("");
                    String install = n.payload().string(MetricNames.DP_INSTALL_STATUS).orElse("");
                    if (hub.json) {
                        out.println(JSON.copy().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(n.payload().metrics()));
                    } else if (!download.isEmpty()) {
                        out.println("download " + n.payload().string(MetricNames.DP_DOWNLOAD_PROGRESS).orElse("?") + "% " + download
                                + n.payload().string(MetricNames.DP_DOWNLOAD_ERROR).map(m -> ": " + m).orElse(""));
                    } else {
                        out.println("install " + n.payload().string(MetricNames.DP_INSTALL_PROGRESS).orElse("?") + "% " + install
                                + n.payload().string(MetricNames.DP_INSTALL_ERROR).map(m -> ": " + m).orElse(""));
                    }
                    out.flush();
                    if (download.equals("FAILED") || install.equals("FAILED")) {
                        spec.commandLine().getErr().println("hub: " + device + ": deployment of " + name + " " + version + " failed");
                        return REFUSED;
                    }
                    if (download.equals("ALREADY DONE") || install.equals("COMPLETED")) {
                        return 0;
                    }
                }
            }
        }
    }

    @Command(name = "packages", description = "The deployment packages installed on a device (DEPLOY-V2).")
    static final class Packages extends Sub implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0", description = "Device client id") String device;

        @Override
        public Integer call() throws Exception {
            return hub.call(spec, device, DEPLOY_APP, Method.GET, "packages", Map.of(), new byte[0], (out, b) -> {
                List<List<String>> rows = new ArrayList<>();
                b.forEach(p -> rows.add(List.of(p.path("name").asText(), p.path("version").asText(),
                        p.path("bundleId").asText(), p.path("symbolicName").asText(), p.path("state").asText())));
                table(out, List.of("PACKAGE", "VERSION", "BUNDLE", "SYMBOLIC NAME", "STATE"), rows);
            });
        }
    }

    @Command(name = "undeploy-package", description = "Uninstall a deployment package from a device (DEPLOY-V2).")
    static final class UndeployPackage extends Sub implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0", description = "Device client id") String device;
        @Parameters(index = "1", description = "Deployment package name") String name;

        @Override
        public Integer call() throws Exception {
            return hub.call(spec, device, DEPLOY_APP, Method.EXEC, "uninstall", Map.of(MetricNames.DP_NAME, name), new byte[0],
                    (out, b) -> out.println("uninstalled " + name + " from " + device));
        }
    }

    @Command(name = "keygen", description = "Make an Ed25519 key pair: writes the private key, prints the public key for the devices' hubKeys.")
    static final class Keygen extends Sub implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0", description = "Private key file to write (PKCS#8 PEM)") Path file;

        @Override
        public Integer call() throws Exception {
            KeyPair pair = CommandSignature.generateKeyPair();
            Files.writeString(file, CommandSignature.pem(pair.getPrivate()), StandardCharsets.US_ASCII);
            spec.commandLine().getOut().println(CommandSignature.encode(pair.getPublic()));
            return 0;
        }
    }

    /** Durations as 5s, 500ms, 2m or ISO-8601 (PT5S). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            String s = v.trim().toLowerCase(Locale.ROOT);
            if (s.startsWith("pt")) {
                return Duration.parse(v.trim().toUpperCase(Locale.ROOT));
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            throw new CommandLine.TypeConversionException("not a duration: '" + v + "' (use 5s, 500ms, 2m)");
        }
    }
}
