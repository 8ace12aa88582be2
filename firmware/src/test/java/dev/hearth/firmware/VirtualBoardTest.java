package dev.hearth.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.agent.wire.Payload;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The qemu-virt-arm64 image end to end: built from Debian packages, its partition table and
 * contents checked from the host, booted on the virtual board (QEMU, U-Boot, TCG emulation) to
 * the device's birth certificate on a Mosquitto broker on the host. Minutes, not seconds: runs
 * only with {@code -Dhearth.firmware.boot=true} ({@code ./hearth firmware test}).
 */
@EnabledIfSystemProperty(named = "hearth.firmware.boot", matches = "true")
class VirtualBoardTest {

    static final Path ROOT = Path.of(System.getProperty("hearth.root", "..")).toAbsolutePath().normalize();
    private static final String BOARD = "qemu-virt-arm64";
    private static final String VERSION = "0.0.0-virtual-board";
    /** The tests' own output directory (its download cache and development keys with it). */
    static final Path OUT = ROOT.resolve("firmware/target/firmware");

    @TempDir
    Path tmp;

    private Process broker;
    private Process board;

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : new Process[] {board, broker}) {
            if (p != null && p.isAlive()) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    @Test
    void theImageBootsOnTheVirtualBoardAndTheDeviceIntroducesItselfOnTheHostsBroker() throws Exception {
        BoardDescription description = BoardDescription.read(ROOT.resolve("board-support/" + BOARD + "/board.properties"));
        Path out = OUT;
        long buildStart = System.nanoTime();
        String build = run(Duration.ofMinutes(20), ROOT.resolve("firmware/bin/build-image").toString(), "--board", BOARD,
                "--version", VERSION, "--output", out.toString());
        long buildSeconds = (System.nanoTime() - buildStart) / 1_000_000_000L;
        Path image = out.resolve("hearth-" + BOARD + "-" + VERSION + ".img");
        assertTrue(Files.isRegularFile(image), build);
        assertTrue(Files.isRegularFile(out.resolve("hearth-" + BOARD + "-" + VERSION + ".img.zst")), build);
        assertTrue(build.contains("SHA-256") || build.matches("(?s).*[0-9a-f]{64}  hearth-.*"), build);
        Path zst = out.resolve("hearth-" + BOARD + "-" + VERSION + ".img.zst");
        long zstMib = Files.size(zst) >> 20;
        assertTrue(zstMib <= 120, "the compressed image is at most 120 MiB, not " + zstMib + " MiB");
        // A plain zstd -d (no --long, no memory flag) gives the image back, as a card writer would.
        assertEquals(sha256(image, Files.size(image)) + "  -",
                run(Duration.ofMinutes(5), "sh", "-c", "zstd -q -d -c \"$0\" | sha256sum", zst.toString()).strip(),
                "the .img.zst decompresses to the .img");

        checkPartitionTable(image, description);
        checkBootPartition(image);
        checkRootFileSystem(image, description);
        checkUpdateBundle(image, description, out.resolve("hearth-" + BOARD + "-" + VERSION + ".hup"));

        int port = freePort();
        startBroker(port);
        CompletableFuture<Payload> birth = new CompletableFuture<>();
        MqttClient hub = new MqttClient("tcp://127.0.0.1:" + port, "firmware-test", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        connectWithin(hub, options, Duration.ofSeconds(20));
        hub.subscribe("$EDC/hearth/hearth-device/MQTT/BIRTH", 1,
                (topic, message) -> {
                    try {
                        birth.complete(Payload.decode(message.getPayload(), 1 << 20));
                    } catch (RuntimeException e) {
                        birth.completeExceptionally(e);
                    }
                });

        Path config = Files.createDirectories(tmp.resolve("device-config"));
        Files.writeString(config.resolve("dev.hearth.agent.cfg"), String.join("\n",
                "brokerUrl=tcp://10.0.2.2:" + port, "account=hearth", "clientId=hearth-device",
                "allowedRequesters=hearth-hub", "signingRequired=false", "telemetryIntervalSeconds=30",
                // The emulated JVM is tens of times slower than a board's: give a connection attempt time.
                "connectTimeoutMillis=20000", ""));
        // Single keys of configurations the firmware ships: merged with the image's own files.
        Files.writeString(config.resolve("dev.hearth.updater.cfg"), "healthDeadlineSeconds=420\n");
        Files.writeString(config.resolve("dev.hearth.firmware.cfg"), "watchdogSeconds=840\n");
        // A service in a container under crun, on the board's own JRE (the image's jar runs on any
        // architecture): started by the first request, under emulation in tens of seconds.
        Files.writeString(config.resolve("dev.hearth.service~contacts.cfg"), String.join("\n",
                "name=contacts", "driver=crun", "image=contacts.tar", "memoryLimitBytes=134217728",
                "activationTimeoutMillis=240000", ""));
        int gatewayPort = freePort();
        Map<String, Long> markers = new ConcurrentHashMap<>();
        StringBuilder console = new StringBuilder();
        long bootStart = System.nanoTime();
        board = new ProcessBuilder(ROOT.resolve("firmware/bin/boot-board").toString(), "--board", BOARD, "--image",
                image.toString(), "--device-config", config.toString(), "--gateway-port", Integer.toString(gatewayPort),
                "--disk", tmp.resolve("disk.img").toString()).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> readConsole(board, bootStart, markers, console), "virtual-board-console");
        reader.setDaemon(true);
        reader.start();

        Payload certificate;
        try {
            certificate = birth.get(300, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no birth certificate within 300 s; console:\n" + tail(console), e);
        }
        long birthMillis = (System.nanoTime() - bootStart) / 1_000_000L;
        assertEquals(VERSION, certificate.string("firmware_version").orElseThrow());
        assertEquals("A", certificate.string("hearth.slot").orElseThrow());

        // The agent may introduce the device before the gateway listens: the JVM is emulated.
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/nothing-here/"))
                .timeout(Duration.ofSeconds(30)).build();
        java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> gateway =
                new java.util.concurrent.atomic.AtomicReference<>();
        waitFor(() -> {
            try {
                gateway.set(http.send(probe, HttpResponse.BodyHandlers.ofString()));
                return true;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, Duration.ofSeconds(120), "the gateway answers through the forwarded port", console);
        assertEquals(404, gateway.get().statusCode(), "the gateway routes: " + gateway.get().body());

        // The updater's health check (with the device's deadline over the image's 600 s), not the
        // init, marks the slot good; the init's watchdog (with the device's deadline) then stands down.
        waitFor(() -> markers.containsKey("marked good"), Duration.ofSeconds(120), "slot A marked good by the updater",
                console);
        assertTrue(console.toString().contains("Health check: WAITING up to 420 s"),
                "the device's healthDeadlineSeconds is merged into the image's updater configuration:\n" + tail(console));
        waitFor(() -> console.toString().contains("watchdog: slot A is marked good"), Duration.ofSeconds(60),
                "the watchdog sees slot A marked good", console);
        assertTrue(console.toString().contains("slot A must be marked good within 840 s"),
                "the device's watchdogSeconds is read:\n" + tail(console));

        // crun in the image: the driver is available on the unified cgroup hierarchy, and a
        // container answers through the gateway.
        assertTrue(Pattern.compile("crun driver: ready \\(crun version [0-9.]+.*cgroups UNIFIED\\)").matcher(console.toString()).find(),
                "the crun driver is ready on cgroup v2:\n" + tail(console));
        HttpRequest contacts = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/contacts/"))
                .timeout(Duration.ofSeconds(280)).build();
        long containerStart = System.nanoTime();
        HttpResponse<String> listed = http.send(contacts, HttpResponse.BodyHandlers.ofString());
        long containerMillis = (System.nanoTime() - containerStart) / 1_000_000L;
        assertEquals(200, listed.statusCode(), "the contacts container answers: " + listed.body() + "\n" + tail(console));
        assertEquals("[]", listed.body().strip(), "a new device has no contacts");

        try (OutputStream in = board.getOutputStream()) {
            in.write("\nfw_printenv BOOT_A_LEFT; poweroff\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertTrue(board.waitFor(120, TimeUnit.SECONDS), "the board powers off; console:\n" + tail(console));
        assertTrue(console.toString().contains("BOOT_A_LEFT=3"), "the boot counter is back at 3:\n" + tail(console));
        hub.disconnect();
        hub.close();

        System.out.printf("virtual board: build %d s, boot to birth %.1f s; split (s since QEMU start): %s"
                        + "container cold start through the gateway %.1f s%n",
                buildSeconds, birthMillis / 1000.0, split(markers), containerMillis / 1000.0);
    }

    private static String split(Map<String, Long> markers) {
        StringBuilder b = new StringBuilder();
        for (String m : List.of("U-Boot", "Starting kernel", "root mounted", "system up", "userland starting",
                "userland running", "marked good")) {
            Long at = markers.get(m);
            b.append(m).append(' ').append(at == null ? "-" : String.format("%.1f", at / 1000.0)).append("; ");
        }
        return b.toString();
    }

    private static final Map<String, Pattern> MARKERS = Map.of(
            "U-Boot", Pattern.compile("^U-Boot 20"),
            "Starting kernel", Pattern.compile("Starting kernel"),
            "root mounted", Pattern.compile("initramfs: root .* mounted"),
            "system up", Pattern.compile("hearth-init: system up"),
            "userland starting", Pattern.compile("hearth-init: starting the userland"),
            "userland running", Pattern.compile("Userland running"),
            "marked good", Pattern.compile("Updater: health check PASSED on slot A"));

    private static void readConsole(Process p, long start, Map<String, Long> markers, StringBuilder console) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                long at = (System.nanoTime() - start) / 1_000_000L;
                synchronized (console) {
                    console.append(line).append('\n');
                }
                for (Map.Entry<String, Pattern> m : MARKERS.entrySet()) {
                    if (m.getValue().matcher(line).find()) {
                        markers.putIfAbsent(m.getKey(), at);
                    }
                }
            }
        } catch (IOException e) {
            synchronized (console) {
                console.append("(console closed: ").append(e.getMessage()).append(")\n");
            }
        }
    }

    static void checkPartitionTable(Path image, BoardDescription d) throws Exception {
        String dump = run(Duration.ofSeconds(30), "sfdisk", "-d", image.toString());
        Matcher m = Pattern.compile("start=\\s*(\\d+), size=\\s*(\\d+), type=(\\w+)").matcher(dump);
        long[][] parts = new long[4][];
        String[] types = new String[4];
        int n = 0;
        while (m.find()) {
            assertTrue(n < 4, "four partitions: " + dump);
            parts[n] = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
            types[n++] = m.group(3);
        }
        assertEquals(4, n, dump);
        long mib = 2048;
        assertEquals(List.of(mib, d.layout().bootMib() * mib), List.of(parts[0][0], parts[0][1]), "boot: " + dump);
        assertEquals(d.layout().rootMib() * mib, parts[1][1], "root A: " + dump);
        assertEquals(d.layout().rootMib() * mib, parts[2][1], "root B: " + dump);
        assertEquals(d.layout().dataMib() * mib, parts[3][1], "data: " + dump);
        assertEquals(List.of("c", "83", "83", "83"), List.of(types));
        for (int i = 1; i < 4; i++) {
            assertEquals(parts[i - 1][0] + parts[i - 1][1], parts[i][0], "partitions are contiguous: " + dump);
        }
        assertEquals(d.layout().diskMib() << 20, Files.size(image));
    }

    private void checkBootPartition(Path image) throws Exception {
        String files = run(Duration.ofSeconds(30), "mdir", "-b", "-i", image + "@@1M", "::/");
        for (String f : List.of("boot.scr", "Image_A", "initrd_A", "Image_B", "initrd_B", "uboot.env", "uboot-redund.env")) {
            assertTrue(files.contains("::/" + f), f + " on the boot partition (slot B's kernel waits for its root): " + files);
        }
        Path env = Files.createDirectories(tmp.resolve("env"));
        run(Duration.ofSeconds(30), "mcopy", "-n", "-i", image + "@@1M", "::/uboot.env", "::/uboot-redund.env", env.toString());
        Path config = env.resolve("fw_env.config");
        Files.writeString(config, env.resolve("uboot.env") + " 0x0 0x4000\n" + env.resolve("uboot-redund.env") + " 0x0 0x4000\n");
        String vars = run(Duration.ofSeconds(30), "fw_printenv", "-c", config.toString());
        assertTrue(vars.contains("BOOT_ORDER=A\n") && vars.contains("BOOT_A_LEFT=3") && vars.contains("BOOT_B_LEFT=0"),
                "the first boot selection: slot A only, 3 attempts: " + vars);
    }

    private void checkRootFileSystem(Path image, BoardDescription d) throws Exception {
        Path rootA = tmp.resolve("root-a.ext4");
        run(Duration.ofMinutes(2), "dd", "if=" + image, "of=" + rootA, "bs=1M", "skip=" + (1 + d.layout().bootMib()),
                "count=" + d.layout().rootMib(), "conv=sparse", "status=none");
        String listing = run(Duration.ofSeconds(60), "debugfs", "-R",
                "ls -p /opt/hearth/bin", rootA.toString()) + run(Duration.ofSeconds(60), "debugfs", "-R",
                "stat /usr/lib/jvm/java-17-openjdk-arm64/bin/java", rootA.toString()) + run(Duration.ofSeconds(60),
                "debugfs", "-R", "cat /etc/hearth/version", rootA.toString()) + run(Duration.ofSeconds(60), "debugfs",
                "-R", "ls -p /usr/share", rootA.toString());
        String updater = run(Duration.ofSeconds(60), "debugfs", "-R", "cat /etc/hearth/etc/dev.hearth.updater.cfg",
                rootA.toString());
        assertTrue(updater.contains("board=" + BOARD + "\n"), updater);
        assertTrue(updater.contains("slots=rootfs.0:rootfs:" + d.devices().rootA() + ":A,rootfs.1:rootfs:"
                + d.devices().rootB() + ":B\n"),
                "the slots come from the board description: " + updater);
        assertTrue(updater.contains("keyringFile=/data/hearth/ota/keyring.pem\n")
                && updater.contains("environmentFiles=/boot/uboot.env,/boot/uboot-redund.env\n"), updater);
        String reboot = run(Duration.ofSeconds(60), "debugfs", "-R", "cat /etc/hearth/etc/dev.hearth.updater.reboot.cfg",
                rootA.toString());
        assertTrue(reboot.contains("command=/sbin/reboot"), reboot);
        String counter = run(Duration.ofSeconds(60), "debugfs", "-R", "cat /etc/hearth/counter", rootA.toString()).lines()
                .filter(l -> !l.startsWith("debugfs ")).collect(java.util.stream.Collectors.joining("\n")).trim();
        assertTrue(counter.matches("[0-9]+"), "the anti-rollback counter is recorded: " + counter);
        String bundles = run(Duration.ofSeconds(60), "debugfs", "-R", "ls -p /opt/hearth/bundles", rootA.toString());
        assertTrue(bundles.contains("/hearth-updater-"), "the updater is in the distribution: " + bundles);
        assertTrue(listing.contains("/hearth/"), "the distribution is installed: " + listing);
        assertTrue(listing.contains("Type: regular"), "the JVM is there: " + listing);
        assertTrue(listing.contains(VERSION), "the firmware version is recorded: " + listing);
        assertFalse(listing.contains("/doc/") || listing.contains("/man/") || listing.contains("/locale/"),
                "docs, man pages and locales are stripped: " + listing);
    }

    /**
     * The update bundle is signed by a key the image's own keyring (on the data partition)
     * trusts, its counter is the firmware's, and its rootfs payload is root A byte for byte.
     * Checked with the OTA command line (as a person would), not in this JVM: the OTA module may be
     * rebuilt while this test runs.
     */
    private void checkUpdateBundle(Path image, BoardDescription d, Path bundle) throws Exception {
        assertTrue(Files.isRegularFile(bundle), "the update bundle is built: " + bundle);
        Path data = tmp.resolve("data.ext4");
        run(Duration.ofMinutes(2), "dd", "if=" + image, "of=" + data, "bs=1M",
                "skip=" + (1 + d.layout().bootMib() + 2 * d.layout().rootMib()), "count=" + d.layout().dataMib(),
                "conv=sparse", "status=none");
        Path keyring = tmp.resolve("keyring.pem");
        run(Duration.ofSeconds(60), "debugfs", "-R", "dump /hearth/ota/keyring.pem " + keyring, data.toString());
        String pem = Files.readString(keyring, StandardCharsets.US_ASCII);
        assertEquals(1, pem.split("-----BEGIN CERTIFICATE-----", -1).length - 1, "one CA in the device's keyring: " + pem);

        String ota = ROOT.resolve("ota/target/hearth-ota.jar").toString();
        String verified = run(Duration.ofMinutes(3), "java", "-jar", ota, "verify", "--keyring", keyring.toString(),
                "--board", BOARD, bundle.toString());
        assertTrue(verified.contains("verified: manifest " + BOARD + " " + VERSION), verified);

        String info = run(Duration.ofMinutes(1), "java", "-jar", ota, "info", bundle.toString());
        Matcher counter = Pattern.compile("(?m)^counter:\\s+(\\d+)$").matcher(info);
        assertTrue(counter.find(), info);
        Path rootA = tmp.resolve("root-a.ext4");
        String firmwareCounter = run(Duration.ofSeconds(60), "debugfs", "-R", "cat /etc/hearth/counter", rootA.toString())
                .lines().filter(l -> !l.startsWith("debugfs ")).collect(java.util.stream.Collectors.joining()).trim();
        assertEquals(firmwareCounter, counter.group(1), "the bundle's counter is the firmware's: " + info);
        List<String> payloads = info.lines().filter(l -> l.startsWith("payload:")).toList();
        assertEquals(1, payloads.size(), "one payload: " + info);
        Matcher payload = Pattern.compile("payload:\\s+(\\S+)\\s+class (\\S+)\\s+([0-9,]+) bytes.* sha256 ([0-9a-f]{64})")
                .matcher(payloads.get(0));
        assertTrue(payload.find(), info);
        assertEquals(List.of("rootfs", "rootfs"), List.of(payload.group(1), payload.group(2)));
        long size = Long.parseLong(payload.group(3).replace(",", ""));
        assertTrue(size > 0 && size % (1 << 20) == 0 && size < (long) d.layout().rootMib() << 20,
                "the payload is the root file system, smaller than its slot: " + size + " bytes");
        String blocks = run(Duration.ofSeconds(60), "dumpe2fs", "-h", rootA.toString());
        Matcher count = Pattern.compile("(?m)^Block count:\\s+(\\d+)$").matcher(blocks);
        Matcher blockSize = Pattern.compile("(?m)^Block size:\\s+(\\d+)$").matcher(blocks);
        assertTrue(count.find() && blockSize.find(), blocks);
        assertEquals(size, Long.parseLong(count.group(1)) * Long.parseLong(blockSize.group(1)),
                "the payload is as long as root A's file system");
        assertEquals(sha256(rootA, size), payload.group(4), "the payload is root A's file system, byte for byte");
    }

    private void startBroker(int port) throws Exception {
        Path conf = tmp.resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        broker = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("mosquitto.log").toFile()).start();
    }

    private static void connectWithin(MqttClient client, MqttConnectOptions options, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                client.connect(options);
                return;
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the broker did not accept a connection within " + limit, e);
                }
                new CompletableFuture<Void>().completeOnTimeout(null, 100, TimeUnit.MILLISECONDS).join();
            }
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration limit, String what,
                                StringBuilder console) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + limit + "; console:\n" + tail(console));
            }
            new CompletableFuture<Void>().completeOnTimeout(null, 200, TimeUnit.MILLISECONDS).join();
        }
    }

    private static String tail(StringBuilder console) {
        synchronized (console) {
            return console.substring(Math.max(0, console.length() - 6000));
        }
    }

    /** The SHA-256 of a file's first {@code length} bytes. */
    private static String sha256(Path file, long length) throws Exception {
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            long left = length;
            for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) {
                digest.update(buffer, 0, n);
                left -= n;
            }
            assertEquals(0, left, file + " is shorter than " + length + " bytes");
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String run(Duration limit, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + ": not done within " + limit);
        }
        String text = output.get(10, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + text);
        return text;
    }
}
