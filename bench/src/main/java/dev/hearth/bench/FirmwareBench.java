package dev.hearth.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The firmware image and the virtual board: builds the qemu-virt-arm64 image with
 * {@code firmware/bin/build-image} (download cache warm: a first build fills it, untimed), records
 * its sizes, then boots it with {@code firmware/bin/boot-board} (QEMU, TCG emulation) until the
 * device's birth certificate arrives on a Mosquitto broker on this machine, split by the console's
 * markers into firmware, kernel, init, JVM, Felix and agent.
 *
 * <p>Needs the image builder's host tools, and QEMU, Debian's U-Boot for it and Mosquitto for the
 * boot; prints what is missing and records nothing (or only the build) otherwise.
 */
final class FirmwareBench {

    private static final String BOARD = "qemu-virt-arm64";
    private static final String VERSION = "0.0.0-bench";
    private static final String CLIENT_ID = "hearth-bench-device";
    private static final List<String> BUILD_TOOLS = List.of("mmdebstrap", "mke2fs", "debugfs", "mkfs.vfat", "mcopy",
            "sfdisk", "mkimage", "mkenvimage", "zstd", "cpio", "openssl");
    private static final List<String> BOOT_TOOLS = List.of("qemu-system-aarch64", "mosquitto");
    private static final Path UBOOT = Path.of("/usr/lib/u-boot/qemu_arm64/u-boot.bin");

    /** Console lines that mark the boot's stages, in order (the birth certificate ends it). */
    private static final Map<String, Pattern> MARKERS = markers();

    private FirmwareBench() {
    }

    private static Map<String, Pattern> markers() {
        Map<String, Pattern> m = new LinkedHashMap<>();
        m.put("kernel", Pattern.compile("Starting kernel"));
        m.put("root", Pattern.compile("initramfs: root .* mounted"));
        m.put("userland", Pattern.compile("hearth-init: starting the userland"));
        m.put("launcher", Pattern.compile("Launcher - Starting the Hearth userland"));
        m.put("agent", Pattern.compile("agent " + CLIENT_ID + ": \\S+ -> CONNECTING"));
        return m;
    }

    static void run(Report report, Path root) throws Exception {
        List<String> missing = missing(BUILD_TOOLS);
        if (!missing.isEmpty()) {
            System.out.println("  skipped: missing host tools " + missing + " (./hearth test installs them)");
            return;
        }
        Path out = root.resolve("firmware/target/firmware/bench");
        Path cache = root.resolve("firmware/target/firmware/cache");
        Map<String, String> env = Map.of("HEARTH_CACHE", cache.toString());
        if (!hasDebs(cache)) {
            System.out.println("  filling the download cache (first build, not timed) ...");
            build(root, out, env);
        }
        long t0 = System.nanoTime();
        String log = build(root, out, env);
        double buildSeconds = (System.nanoTime() - t0) / 1e9;
        Path image = out.resolve("hearth-" + BOARD + "-" + VERSION + ".img");
        report.add("firmware.build_s", buildSeconds, "s", "", BOARD + ", warm download cache");
        report.add("firmware.image_mib", mib(Files.size(image)), "MiB", "", "whole-disk image, raw");
        report.add("firmware.image_zst_mib", mib(Files.size(Path.of(image + ".zst"))), "MiB", "<= 120",
                "the same, zstd -10 --long=27");
        Matcher rootfs = Pattern.compile("root file system \\(files\\)\\s+(\\d+) MiB").matcher(log);
        if (rootfs.find()) {
            report.add("firmware.rootfs_mib", Double.parseDouble(rootfs.group(1)), "MiB", "", "files in root A");
        }
        System.out.printf(Locale.ROOT, "  built in %.0f s: %.0f MiB raw, %.0f MiB zst%n", buildSeconds,
                mib(Files.size(image)), mib(Files.size(Path.of(image + ".zst"))));

        List<String> missingBoot = missing(BOOT_TOOLS);
        if (!Files.isRegularFile(UBOOT)) {
            missingBoot.add(UBOOT.toString());
        }
        if (!missingBoot.isEmpty()) {
            System.out.println("  boot skipped: missing " + missingBoot + " (./hearth test installs them)");
            return;
        }
        boot(report, root, image);
    }

    private static void boot(Report report, Path root, Path image) throws Exception {
        Path dir = Files.createTempDirectory("hearth-bench-board");
        Process broker = null;
        Process board = null;
        MqttClient hub = null;
        try {
            int port = freePort();
            Path conf = Files.writeString(dir.resolve("mosquitto.conf"),
                    "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
            broker = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
            CompletableFuture<Long> birth = new CompletableFuture<>();
            hub = new MqttClient("tcp://127.0.0.1:" + port, "hearth-bench-hub", new MemoryPersistence());
            connect(hub, Duration.ofSeconds(20));
            hub.subscribe("$EDC/hearth/" + CLIENT_ID + "/MQTT/BIRTH", 1,
                    (topic, message) -> birth.complete(System.nanoTime()));

            Path config = Files.createDirectories(dir.resolve("device-config"));
            Files.writeString(config.resolve("dev.hearth.agent.cfg"), String.join("\n",
                    "brokerUrl=tcp://10.0.2.2:" + port, "account=hearth", "clientId=" + CLIENT_ID,
                    "allowedRequesters=hearth-hub", "signingRequired=false", "connectTimeoutMillis=20000", ""));
            Map<String, Long> seen = new ConcurrentHashMap<>();
            StringBuilder console = new StringBuilder();
            long start = System.nanoTime();
            board = new ProcessBuilder(root.resolve("firmware/bin/boot-board").toString(), "--board", BOARD,
                    "--image", image.toString(), "--device-config", config.toString(), "--gateway-port",
                    Integer.toString(freePort()), "--disk", dir.resolve("disk.img").toString())
                    .redirectErrorStream(true).start();
            Process reading = board;
            Thread reader = new Thread(() -> read(reading, seen, console), "bench-board-console");
            reader.setDaemon(true);
            reader.start();

            long at;
            try {
                at = birth.get(300, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                System.out.println("  boot: no birth certificate within 300 s; console tail:\n" + tail(console));
                return;
            }
            double total = (at - start) / 1e9;
            report.add("board.boot_to_birth_s", total, "s", "<= 60", "QEMU start to birth certificate (TCG)");
            System.out.printf(Locale.ROOT, "  boot to birth certificate %.1f s%n", total);
            Optional<Double> kernel = since(seen, "kernel", start);
            Optional<Double> rootMounted = since(seen, "root", start);
            Optional<Double> userland = since(seen, "userland", start);
            Optional<Double> launcher = since(seen, "launcher", start);
            Optional<Double> agent = since(seen, "agent", start);
            double birthAt = total;
            split(report, "board.boot.firmware_s", Optional.of(0.0), kernel, "U-Boot and the boot script");
            split(report, "board.boot.kernel_s", kernel, rootMounted, "kernel and initramfs to the root mounted");
            split(report, "board.boot.init_s", rootMounted, userland, "busybox init to the userland start");
            split(report, "board.boot.jvm_s", userland, launcher, "start script and JVM to the launcher's first line");
            split(report, "board.boot.felix_s", launcher, agent, "Felix, bundles and DS up to the agent connecting");
            split(report, "board.boot.agent_s", agent, Optional.of(birthAt), "MQTT connection to the birth certificate");
            try (OutputStream in = board.getOutputStream()) {
                in.write("\npoweroff\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                System.out.println("  the board's console is closed already: " + e.getMessage());
            }
            board.waitFor(60, TimeUnit.SECONDS);
        } finally {
            if (hub != null && hub.isConnected()) {
                hub.disconnect();
            }
            for (Process p : new Process[] {board, broker}) {
                if (p != null && p.isAlive()) {
                    p.destroy();
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                }
            }
            delete(dir);
        }
    }

    private static void split(Report report, String key, Optional<Double> from, Optional<Double> to, String note) {
        if (from.isPresent() && to.isPresent()) {
            report.add(key, to.get() - from.get(), "s", "", note);
        } else {
            System.out.println("  " + key + ": a console marker is missing, not recorded");
        }
    }

    private static Optional<Double> since(Map<String, Long> seen, String marker, long start) {
        return Optional.ofNullable(seen.get(marker)).map(t -> (t - start) / 1e9);
    }

    private static void read(Process p, Map<String, Long> seen, StringBuilder console) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                long at = System.nanoTime();
                synchronized (console) {
                    console.append(line).append('\n');
                }
                for (Map.Entry<String, Pattern> m : MARKERS.entrySet()) {
                    if (!seen.containsKey(m.getKey()) && m.getValue().matcher(line).find()) {
                        seen.put(m.getKey(), at);
                    }
                }
            }
        } catch (IOException e) {
            synchronized (console) {
                console.append("(console closed: ").append(e.getMessage()).append(")\n");
            }
        }
    }

    private static String build(Path root, Path out, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(root.resolve("firmware/bin/build-image").toString(), "--board", BOARD,
                "--version", VERSION, "--output", out.toString()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<String> text = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("build-image did not finish within 20 minutes");
        }
        String log = text.get(10, TimeUnit.SECONDS);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("build-image failed (exit " + p.exitValue() + "):\n" + log);
        }
        return log;
    }

    private static List<String> missing(List<String> tools) {
        List<String> missing = new ArrayList<>();
        List<Path> path = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"), new String[] {"/usr/sbin", "/sbin"})
                .flatMap(Stream::of).filter(s -> !s.isEmpty()).map(Path::of).toList();
        for (String tool : tools) {
            if (path.stream().noneMatch(d -> Files.isExecutable(d.resolve(tool)))) {
                missing.add(tool);
            }
        }
        return missing;
    }

    private static boolean hasDebs(Path cache) throws IOException {
        Path apt = cache.resolve("apt");
        if (!Files.isDirectory(apt)) {
            return false;
        }
        try (Stream<Path> files = Files.list(apt)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".deb"));
        }
    }

    private static void connect(MqttClient client, Duration limit) throws Exception {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                client.connect(options);
                return;
            } catch (MqttException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Mosquitto did not accept a connection within " + limit, e);
                }
                new CompletableFuture<Void>().completeOnTimeout(null, 100, TimeUnit.MILLISECONDS).join();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static double mib(long bytes) {
        return Math.round(bytes / (double) (1 << 20) * 10) / 10.0;
    }

    private static String tail(StringBuilder console) {
        synchronized (console) {
            return console.substring(Math.max(0, console.length() - 4000));
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
