package dev.hearth.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs every benchmark, prints the table and writes {@code target/bench/results.json}.
 * Figures are medians (and p99 where latency matters), each beside a baseline measured in the
 * same run, because the machine is shared and noisy.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench/results.json");
        Report report = new Report();
        System.out.println("hearth bench: idle footprint (separate JVM, -Xmx256m) ...");
        idleFootprint(report);
        System.out.println("hearth bench: gateway (cold start, warm, overhead) ...");
        GatewayBench.run(report);
        System.out.println("hearth bench: scale-out and scale-in ...");
        ScaleBench.run(report);
        System.out.println("hearth bench: MQTT control plane (round trip vs a bare Paho echo, throughput) ...");
        MqttBench.run(report);
        System.out.println("hearth bench: containers under crun (cold start vs crun run, scale-out, memory) ...");
        CrunBench.run(report);
        System.out.println("hearth bench: over-the-air updates (install vs dd, adaptive, power cuts) ...");
        OtaBench.run(report);
        System.out.println("hearth bench: firmware image and the virtual board (build, sizes, boot to birth) ...");
        FirmwareBench.run(report, Path.of("").toAbsolutePath());
        report.print(System.out);
        report.writeJson(out);
        System.out.println("\nwrote " + out.toAbsolutePath());
        System.exit(0);
    }

    private static void idleFootprint(Report report) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-Xms256m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), IdleFootprint.class.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> other = new ArrayList<>();
        double perService = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] kv = line.split(" ");
                if (kv.length != 2 || !kv[0].matches("[a-z_.0-9]+")) {
                    other.add(line);
                    continue;
                }
                double value = Double.parseDouble(kv[1]);
                switch (kv[0]) {
                    case "idle.bytes_per_service.1000000" -> perService = value;
                    case "idle.bytes_per_service.10000" -> report.add("idle.bytes_per_service_10k", value, "B", "",
                            "10,000 registered idle services");
                    case "idle.bytes_per_service.100000" -> report.add("idle.bytes_per_service_100k", value, "B",
                            "", "100,000 registered idle services");
                    case "lookup.p50_ns" -> report.add("lookup.p50_ns", value, "ns", "",
                            "status by name among 1,000,000 services");
                    case "idle.max_heap_mib" -> report.add("idle.max_heap_mib", value, "MiB", "<= 256",
                            "heap of the JVM that held the million");
                    default -> other.add(line);
                }
            }
        }
        int exit = p.waitFor();
        if (exit != 0 || perService < 0) {
            throw new IllegalStateException("idle footprint run failed (exit " + exit + "): " + String.join("\n", other));
        }
        report.add("idle.bytes_per_service", perService, "B", "<= 256", "1,000,000 registered idle services");
        System.out.printf(Locale.ROOT, "  %,.0f bytes per idle service at 1,000,000%n", perService);
    }
}
