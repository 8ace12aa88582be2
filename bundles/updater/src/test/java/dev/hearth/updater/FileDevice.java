package dev.hearth.updater;

import dev.hearth.ota.CertificateAuthority;
import dev.hearth.ota.FileBlockDevice;
import dev.hearth.ota.Manifest;
import dev.hearth.ota.ManifestSigner;
import dev.hearth.ota.Payload;
import dev.hearth.ota.SigningKey;
import dev.hearth.ota.UpdateBundleWriter;
import dev.hearth.ota.boot.BootScript;
import dev.hearth.ota.boot.UBootBootloader;
import dev.hearth.ota.boot.UBootEnvironment;
import dev.hearth.updater.api.RebootAction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A device made of files: rootfs slots A and B, the redundant U-Boot environment in two files that
 * the real fw_printenv and fw_setenv read and write, a keyring, a boot id that changes on each
 * simulated boot, and a reboot action that records what it was asked.
 */
final class FileDevice {

    static final String BOARD = "test-board";
    static final int SLOT_SIZE = 256 * 1024;

    final Path dir;
    final Path slotA;
    final Path slotB;
    final Path env1;
    final Path env2;
    final Path fwEnvConfig;
    final Path keyring;
    final Path bootId;
    final Path record;
    final CertificateAuthority ca = CertificateAuthority.root("Hearth test CA");
    final SigningKey signer = ca.signer("Hearth test signer");
    final RecordingReboot reboot = new RecordingReboot();
    final List<String> events = new CopyOnWriteArrayList<>();
    private int boots;

    FileDevice(Path dir) throws IOException {
        this.dir = dir;
        slotA = dir.resolve("rootfs-a.img");
        slotB = dir.resolve("rootfs-b.img");
        env1 = dir.resolve("uboot.env");
        env2 = dir.resolve("uboot-redund.env");
        fwEnvConfig = dir.resolve("fw_env.config");
        keyring = dir.resolve("keyring.pem");
        bootId = dir.resolve("boot_id");
        record = dir.resolve("data/updater/record.json");
        Files.write(slotA, image(1, SLOT_SIZE));
        Files.write(slotB, new byte[SLOT_SIZE]);
        Files.write(env1, new byte[UBootEnvironment.DEFAULT_SIZE]);
        Files.write(env2, new byte[UBootEnvironment.DEFAULT_SIZE]);
        Files.write(keyring, ca.keyring().toPem());
        UBootEnvironment env = environment();
        env.write(UBootBootloader.defaultVariables(List.of("A", "B")));
        Files.writeString(fwEnvConfig, env.fwEnvConfig());
        newBootId();
    }

    UBootEnvironment environment() {
        return new UBootEnvironment(List.of(new UBootEnvironment.Copy(env1, 0), new UBootEnvironment.Copy(env2, 0)),
                UBootEnvironment.DEFAULT_SIZE, FileBlockDevice::open);
    }

    /** What the board's boot script does on a boot: picks a slot and takes one attempt. Returns the slot. */
    String boot() throws IOException {
        newBootId();
        return BootScript.boot(new UBootBootloader(environment(), List.of("A", "B"))).orElseThrow();
    }

    private void newBootId() throws IOException {
        Files.writeString(bootId, "boot-" + (++boots) + "\n");
    }

    UpdaterSettings settings(String booted, String version, Duration healthDeadline, List<String> requiredServices) {
        return settings(booted, version, 0, true, healthDeadline, requiredServices);
    }

    UpdaterSettings settings(String booted, String version, long firmwareCounter, boolean rebootAfterInstall,
            Duration healthDeadline, List<String> requiredServices) {
        return new UpdaterSettings(BOARD, UpdaterSettings.parseSlots(List.of("rootfs.0:rootfs:" + slotA + ":A",
                "rootfs.1:rootfs:" + slotB + ":B")), keyring, List.of(env1, env2), UBootEnvironment.DEFAULT_SIZE, record,
                booted, version, firmwareCounter, bootId, rebootAfterInstall, new UpdaterSettings.HealthSettings(true,
                healthDeadline, Duration.ofMillis(20), List.of(), requiredServices));
    }

    Updater updater(String booted, String version) throws IOException {
        return updater(settings(booted, version, Duration.ofSeconds(10), List.of()));
    }

    Updater updater(UpdaterSettings settings) throws IOException {
        return new Updater(settings, () -> Optional.of(reboot), (topic, props) -> events.add(topic + " " + props));
    }

    /** A signed update bundle with one rootfs payload. */
    byte[] bundle(byte[] image, String version, long counter) throws IOException {
        Payload p = UpdateBundleWriter.describe("rootfs", "rootfs", new ByteArrayInputStream(image), image.length, 4096);
        byte[] json = Manifest.of(BOARD, version, counter, List.of(p)).toJson();
        byte[] signature = ManifestSigner.sign(json, signer, Instant.parse("2025-06-01T00:00:00Z"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        UpdateBundleWriter.writeContents(out, json, signature, List.of(image));
        return out.toByteArray();
    }

    static byte[] image(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Runs fw_printenv (libubootenv-tool) on the environment files: variable -> value. */
    Map<String, String> printenv() throws IOException, InterruptedException {
        String out = tool("/usr/bin/fw_printenv");
        Map<String, String> vars = new java.util.TreeMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                vars.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return vars;
    }

    void setenv(String name, String value) throws IOException, InterruptedException {
        tool("/usr/bin/fw_setenv", name, value);
    }

    private String tool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(args));
        command.add(1, "-c");
        command.add(2, fwEnvConfig.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(command + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** A real reboot action for tests: it records each request instead of rebooting the machine. */
    static final class RecordingReboot implements RebootAction {
        final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.CountDownLatch first = new java.util.concurrent.CountDownLatch(1);

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void reboot() {
            requests.incrementAndGet();
            first.countDown();
        }
    }
}
