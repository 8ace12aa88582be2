package dev.hearth.ota.powercut;

import dev.hearth.ota.CertificateAuthority;
import dev.hearth.ota.Manifest;
import dev.hearth.ota.ManifestSigner;
import dev.hearth.ota.Sha256;
import dev.hearth.ota.SigningKey;
import dev.hearth.ota.Slot;
import dev.hearth.ota.UpdateBundleWriter;
import dev.hearth.ota.UpdatePolicy;
import dev.hearth.ota.boot.BootScript;
import dev.hearth.ota.boot.UBootBootloader;
import dev.hearth.ota.boot.UBootEnvironment;
import dev.hearth.ota.install.InstallResult;
import dev.hearth.ota.install.Installer;
import dev.hearth.ota.Keyring;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Randomized power cuts across a whole update: boot and mark good, install into the other slot,
 * switch, first boot of the new slot, then mark good or (unhealthy) reboot until the fall-back.
 * Each trial first runs its scenario without a cut to count the write/flush boundaries, then again
 * with the power cut at a random one of them. After the cut the board boots repeatedly without any
 * mark-good (the worst case: the new system never proves healthy), a second cut striking one of
 * those boots' environment writes, and every slot the boot logic
 * picks must hold a complete image: an old one that was good, or the new one as installed. A boot
 * that picks nothing, or picks a slot with anything else in it, is an unbootable outcome.
 */
public final class PowerCutSuite {

    /** The tally of a run; {@code failures} describes the first few unbootable trials. */
    public record Outcome(int trials, int unbootable, int cutsDuringInstall, List<String> failures) {
    }

    private static final Path ROOTFS_A = Path.of("/sim/rootfs-a");
    private static final Path ROOTFS_B = Path.of("/sim/rootfs-b");
    private static final Path ENV_1 = Path.of("/sim/uboot.env");
    private static final Path ENV_2 = Path.of("/sim/uboot-redund.env");
    private static final Instant SIGNED = Instant.parse("2026-01-01T00:00:00Z");

    private final int slotSize;
    private final int blockSize;
    private final Keyring keyring;
    private final SigningKey signer;

    /** Small slots keep a thousand trials within seconds, e.g. 256 KiB in 4 KiB blocks. */
    public PowerCutSuite(int slotSize, int blockSize) {
        this.slotSize = slotSize;
        this.blockSize = blockSize;
        CertificateAuthority ca = CertificateAuthority.root("Power Cut Suite Root");
        this.keyring = ca.keyring();
        this.signer = ca.signer("Power Cut Suite Signer");
    }

    public Outcome run(int trials, long seed) {
        SplittableRandom seeds = new SplittableRandom(seed);
        int unbootable = 0;
        int duringInstall = 0;
        List<String> failures = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            long trialSeed = seeds.nextLong();
            Trial trial = new Trial(trialSeed);
            long boundaries = trial.dryRun();
            long cut = 1 + new SplittableRandom(trialSeed ^ 0x5DEECE66DL).nextLong(boundaries);
            Optional<String> failure = trial.cutAndBoot(cut);
            if (trial.cutDuringInstall) {
                duringInstall++;
            }
            if (failure.isPresent()) {
                unbootable++;
                if (failures.size() < 10) {
                    failures.add("trial seed " + trialSeed + ", cut at " + cut + "/" + boundaries + ": " + failure.get());
                }
            }
        }
        return new Outcome(trials, unbootable, duringInstall, List.copyOf(failures));
    }

    /** One randomized board and update; the same seed replays the same scenario. */
    private final class Trial {
        private final long seed;
        private final String booted;
        private final String other;
        private final byte[] oldActive;
        private final byte[] oldOther;
        private final byte[] update;
        private final boolean healthy;
        private final byte[] bundle;
        private final Set<String> goodImages;
        boolean cutDuringInstall;
        private boolean installing;

        Trial(long seed) {
            this.seed = seed;
            SplittableRandom r = new SplittableRandom(seed);
            booted = r.nextBoolean() ? "A" : "B";
            other = booted.equals("A") ? "B" : "A";
            oldActive = image(r, null, 0);
            oldOther = image(r, oldActive, 0.3);
            update = image(r, r.nextBoolean() ? oldActive : oldOther, r.nextDouble() * 0.5);
            healthy = r.nextInt(4) != 0;
            try {
                Manifest m = Manifest.of("sim-board", "2.0", 2, List.of(UpdateBundleWriter.describe("rootfs", "rootfs",
                        new ByteArrayInputStream(update), update.length, blockSize)));
                byte[] json = m.toJson();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                UpdateBundleWriter.writeContents(out, json, ManifestSigner.sign(json, signer, SIGNED), List.of(update));
                bundle = out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException("power cut suite: cannot build the bundle", e);
            }
            goodImages = new HashSet<>(List.of(hex(oldActive), hex(oldOther), hex(update)));
        }

        private byte[] image(SplittableRandom r, byte[] base, double changedBlocks) {
            byte[] b = new byte[slotSize];
            if (base == null) {
                r.nextBytes(b);
                return b;
            }
            System.arraycopy(base, 0, b, 0, slotSize);
            for (int off = 0; off < slotSize; off += blockSize) {
                if (r.nextDouble() < changedBlocks) {
                    b[off + r.nextInt(blockSize)] ^= (byte) (1 + r.nextInt(255));
                }
            }
            return b;
        }

        private SimulatedPower board() {
            SimulatedPower power = new SimulatedPower(new SplittableRandom(seed * 31 + 7));
            power.attach(slotPath(booted), oldActive);
            power.attach(slotPath(other), oldOther);
            byte[] env1 = UBootEnvironment.encode(UBootBootloader.defaultVariables(List.of("A", "B")),
                    UBootEnvironment.DEFAULT_SIZE, 1);
            power.attach(ENV_1, env1);
            power.attach(ENV_2, new byte[UBootEnvironment.DEFAULT_SIZE]);
            // The board has booted `booted` before: its boot order starts with it.
            return power;
        }

        private Path slotPath(String bootName) {
            return bootName.equals("A") ? ROOTFS_A : ROOTFS_B;
        }

        private UBootBootloader bootloader(SimulatedPower power) {
            List<UBootEnvironment.Copy> copies = List.of(new UBootEnvironment.Copy(ENV_1, 0),
                    new UBootEnvironment.Copy(ENV_2, 0));
            return new UBootBootloader(new UBootEnvironment(copies, UBootEnvironment.DEFAULT_SIZE, power.opener()),
                    List.of("A", "B"));
        }

        /** The scenario; returns normally when it ran to its end without a cut. */
        private void scenario(SimulatedPower power) throws IOException {
            UBootBootloader bootloader = bootloader(power);
            bootloader.markActive(booted);
            bootloader.markGood(booted);
            Optional<String> first = BootScript.boot(bootloader);
            if (!first.equals(Optional.of(booted))) {
                throw new IllegalStateException("power cut suite: the scenario did not boot " + booted + " first");
            }
            bootloader.markGood(booted);
            Installer installer = new Installer(keyring, List.of(new Slot("rootfs.0", "rootfs", ROOTFS_A, "A"),
                    new Slot("rootfs.1", "rootfs", ROOTFS_B, "B")), bootloader, power.opener(),
                    new Installer.Settings(16 * 1024, Optional.empty()));
            installing = true;
            InstallResult r = installer.install(() -> new ByteArrayInputStream(bundle), UpdatePolicy.of("sim-board", 1),
                    booted);
            installing = false;
            if (!(r instanceof InstallResult.Installed)) {
                throw new IllegalStateException("power cut suite: install without a cut did not succeed: " + r);
            }
            Optional<String> next = BootScript.boot(bootloader);
            if (healthy) {
                bootloader.markGood(next.orElseThrow());
                BootScript.boot(bootloader);
            } else {
                for (int i = 0; i < 4; i++) {
                    BootScript.boot(bootloader);
                }
            }
        }

        long dryRun() {
            SimulatedPower power = board();
            try {
                scenario(power);
            } catch (IOException e) {
                throw new UncheckedIOException("power cut suite: the scenario failed without a cut", e);
            }
            return power.operations();
        }

        Optional<String> cutAndBoot(long cut) {
            SimulatedPower power = board();
            power.cutAt(cut);
            try {
                scenario(power);
                return Optional.of("the power cut at " + cut + " never happened");
            } catch (PowerCut expected) {
                cutDuringInstall = installing;
            } catch (IOException e) {
                throw new UncheckedIOException("power cut suite: the scenario failed before the cut", e);
            }
            UBootBootloader bootloader = bootloader(power);
            // A second cut strikes one of the next boots' environment writes.
            power.cutAt(power.operations() + 1 + new SplittableRandom(seed ^ 0x2545F4914F6CDD1DL).nextLong(10));
            List<String> booted = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Optional<String> choice;
                try {
                    choice = BootScript.boot(bootloader);
                } catch (PowerCut again) {
                    booted.add("cut");
                    continue;
                } catch (IOException e) {
                    throw new UncheckedIOException("power cut suite: boot after the cut failed", e);
                }
                if (choice.isEmpty()) {
                    return Optional.of("no slot to boot after boots " + booted);
                }
                booted.add(choice.get());
                byte[] content = power.durableContent(slotPath(choice.get()));
                if (!goodImages.contains(hex(content))) {
                    return Optional.of("boot " + (i + 1) + " picked slot " + choice.get()
                            + ", which holds no complete image (boots " + booted + ")");
                }
            }
            return Optional.empty();
        }
    }

    private static String hex(byte[] content) {
        return HexFormat.of().formatHex(Sha256.newDigest().digest(content));
    }

    @Override
    public String toString() {
        return "power cut suite, " + slotSize + "-byte slots in " + blockSize + "-byte blocks " + Arrays.asList(ROOTFS_A, ROOTFS_B);
    }
}
