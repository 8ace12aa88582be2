package dev.hearth.ota.install;

import dev.hearth.ota.BlockDevice;
import dev.hearth.ota.Keyring;
import dev.hearth.ota.Manifest;
import dev.hearth.ota.ManifestVerifier;
import dev.hearth.ota.Payload;
import dev.hearth.ota.Refusal;
import dev.hearth.ota.Sha256;
import dev.hearth.ota.Slot;
import dev.hearth.ota.UpdateBundleReader;
import dev.hearth.ota.UpdatePolicy;
import dev.hearth.ota.Verification;
import dev.hearth.ota.boot.Bootloader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams an update bundle into the inactive slots. The manifest is verified before anything is
 * written; the target slots are then marked bad; each payload is read once, every block checked
 * against its manifest hash before it counts, compared with what the slot already holds and
 * written only where it differs (sequential, block-aligned), and flushed. Only when every payload
 * is in place does the boot selection change to try the new slots. Any failure leaves the target
 * marked bad and the running slot first in the order.
 */
public final class Installer {

    private static final Logger LOG = LoggerFactory.getLogger(Installer.class);
    private static final int MAX_KEYRING = 1 << 20;

    /** Tuning and where a delivered keyring goes. */
    public record Settings(int chunkBytes, Optional<Path> keyringFile) {
        public Settings {
            Objects.requireNonNull(keyringFile, "keyringFile");
            if (chunkBytes < 4096) {
                throw new IllegalArgumentException("installer chunk must be at least 4096 bytes, not " + chunkBytes);
            }
        }

        public static Settings defaults() {
            return new Settings(1 << 20, Optional.empty());
        }
    }

    private final Keyring keyring;
    private final List<Slot> slots;
    private final Bootloader bootloader;
    private final BlockDevice.Opener opener;
    private final Settings settings;
    private final AtomicReference<InstallerState> state = new AtomicReference<>(InstallerState.IDLE);

    public Installer(Keyring keyring, List<Slot> slots, Bootloader bootloader, BlockDevice.Opener opener,
            Settings settings) {
        this.keyring = Objects.requireNonNull(keyring, "keyring");
        this.slots = List.copyOf(slots);
        this.bootloader = Objects.requireNonNull(bootloader, "bootloader");
        this.opener = Objects.requireNonNull(opener, "opener");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public InstallerState state() {
        return state.get();
    }

    /**
     * Installs the bundle from {@code source} into the slots that do not belong to {@code bootedName}.
     * Device errors while writing end as {@link InstallResult.Failed}; an error changing the boot
     * selection is thrown (the environment is broken), and so is an {@link UpdateSourceException} (the
     * source stopped delivering; a target already marked bad stays so, nothing is switched).
     */
    public InstallResult install(UpdateSource source, UpdatePolicy policy, String bootedName) throws IOException {
        return install(source, policy, bootedName, InstallProgress.NONE);
    }

    /** As {@link #install(UpdateSource, UpdatePolicy, String)}, reporting progress to {@code progress}. */
    public InstallResult install(UpdateSource source, UpdatePolicy policy, String bootedName, InstallProgress progress)
            throws IOException {
        Objects.requireNonNull(progress, "progress");
        if (!state.compareAndSet(InstallerState.IDLE, InstallerState.VERIFYING)) {
            throw new IllegalStateException("installer: cannot start an install while " + state.get());
        }
        LOG.info("Installer: VERIFYING {}", source);
        try (InputStream in = source.open()) {
            return install(in, policy, bootedName, progress);
        } finally {
            state.set(InstallerState.IDLE);
            LOG.info("Installer: IDLE");
        }
    }

    private InstallResult install(InputStream in, UpdatePolicy policy, String bootedName, InstallProgress progress)
            throws IOException {
        UpdateBundleReader reader;
        try {
            reader = new UpdateBundleReader(in);
        } catch (UpdateSourceException e) {
            throw e; // the sender went away: not the bundle's fault
        } catch (IOException e) {
            return new InstallResult.Refused(Refusal.MALFORMED_BUNDLE, e.getMessage());
        }
        Verification v = new ManifestVerifier(keyring).verify(reader.manifestBytes(), reader.signature(), policy);
        if (v instanceof Verification.Refused r) {
            return new InstallResult.Refused(r.reason(), r.detail());
        }
        Manifest manifest = ((Verification.Verified) v).manifest();
        Map<Payload, Slot> targets = new LinkedHashMap<>();
        String target = null;
        for (Payload p : manifest.payloads()) {
            if (p.isKeyring()) {
                if (settings.keyringFile().isEmpty() || p.size() > MAX_KEYRING) {
                    return new InstallResult.Refused(Refusal.NO_SLOT, "payload '" + p.name()
                            + "' carries a keyring, and this device takes none here (or it exceeds 1 MiB)");
                }
                continue;
            }
            Optional<Slot> slot = slots.stream()
                    .filter(s -> s.slotClass().equals(p.slotClass()) && !s.bootName().equals(bootedName)).findFirst();
            if (slot.isEmpty()) {
                return new InstallResult.Refused(Refusal.NO_SLOT, "no inactive slot of class '" + p.slotClass()
                        + "' for payload '" + p.name() + "' (booted " + bootedName + ")");
            }
            if (target != null && !target.equals(slot.get().bootName())) {
                return new InstallResult.Refused(Refusal.NO_SLOT, "inactive slots span boot names " + target
                        + " and " + slot.get().bootName());
            }
            target = slot.get().bootName();
            long capacity;
            try (BlockDevice d = opener.open(slot.get().device())) {
                capacity = d.size();
            }
            if (capacity < p.size()) {
                return new InstallResult.Refused(Refusal.NO_SLOT, "slot " + slot.get().name() + " holds " + capacity
                        + " bytes, payload '" + p.name() + "' has " + p.size());
            }
            targets.put(p, slot.get());
        }
        if (target == null) {
            return new InstallResult.Refused(Refusal.NO_SLOT, "the bundle has no payload for a slot");
        }

        long total = manifest.payloadBytes();
        progress.report(InstallerState.VERIFYING, 0, total);
        bootloader.markBad(target);
        state.set(InstallerState.WRITING);
        LOG.info("Installer: WRITING {} into slot {}", manifest, target);
        long written = 0;
        long skipped = 0;
        Optional<Keyring> newKeyring = Optional.empty();
        for (Payload p : manifest.payloads()) {
            try {
                InputStream payloadIn = reader.payload(manifest.payloads(), p);
                if (p.isKeyring()) {
                    newKeyring = Optional.of(readKeyring(payloadIn, p));
                    progress.report(InstallerState.WRITING, written + skipped + p.size(), total);
                } else {
                    long before = written + skipped;
                    long[] counts = writePayload(payloadIn, p, targets.get(p),
                            done -> progress.report(InstallerState.WRITING, before + done, total));
                    written += counts[0];
                    skipped += counts[1];
                }
            } catch (UpdateSourceException e) {
                throw e; // the target stays marked bad; the caller reports the broken source
            } catch (PayloadMismatch e) {
                return new InstallResult.Failed(target, e.getMessage());
            } catch (EOFException e) {
                return new InstallResult.Failed(target, e.getMessage());
            } catch (IOException e) {
                return new InstallResult.Failed(target, "payload '" + p.name() + "': " + e.getMessage()
                        + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
            }
        }
        state.set(InstallerState.SWITCHING);
        progress.report(InstallerState.SWITCHING, total, total);
        if (newKeyring.isPresent()) {
            replaceKeyring(newKeyring.get(), settings.keyringFile().orElseThrow());
        }
        bootloader.markActive(target);
        LOG.info("Installer: installed {} into slot {} ({} bytes written, {} skipped)", manifest.version(), target,
                written, skipped);
        return new InstallResult.Installed(manifest, target, written, skipped);
    }

    /** A block or a payload that does not match the manifest. */
    private static final class PayloadMismatch extends IOException {
        private static final long serialVersionUID = 1L;

        PayloadMismatch(String message) {
            super(message);
        }
    }

    /** A verified chunk of a payload on its way to the slot writer; {@code data == null} ends the payload. */
    private record Chunk(long position, byte[] data, int length) {
    }

    private static final Chunk END = new Chunk(-1, null, 0);
    private static final byte[] FAILED = new byte[0];

    /**
     * Returns {written, skipped}. This thread reads and verifies chunks; a slot writer thread
     * compares each verified chunk with the slot and writes the runs that differ, so hashing and
     * writing overlap. Only verified chunks are handed over; the slot is forced after the writer
     * has finished.
     */
    private long[] writePayload(InputStream in, Payload p, Slot slot, java.util.function.LongConsumer verifiedBytes)
            throws IOException {
        int blockSize = p.blockSize();
        int chunk = Math.max(blockSize, settings.chunkBytes() / blockSize * blockSize);
        byte[] expected = p.blockHashBytes();
        byte[] hash = new byte[Sha256.LENGTH];
        MessageDigest block = Sha256.newDigest();
        BlockingQueue<Chunk> verified = new ArrayBlockingQueue<>(2);
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(3);
        for (int i = 0; i < 3; i++) {
            free.add(new byte[chunk]);
        }
        try (BlockDevice device = opener.open(slot.device())) {
            FutureTask<long[]> writer = new FutureTask<>(() -> {
                try {
                    return writeChunks(device, verified, free, blockSize, chunk);
                } catch (IOException | RuntimeException | Error e) {
                    free.offer(FAILED); // wakes the reader at once; it then rethrows this failure
                    throw e;
                }
            });
            Thread thread = new Thread(writer, "ota-slot-writer-" + slot.name());
            thread.start();
            try {
                for (long pos = 0; pos < p.size(); pos += chunk) {
                    int n = (int) Math.min(chunk, p.size() - pos);
                    byte[] incoming = poll(free, writer);
                    if (in.readNBytes(incoming, 0, n) != n) {
                        throw new EOFException("update bundle: truncated in payload '" + p.name() + "' near byte " + pos);
                    }
                    for (int off = 0; off < n; off += blockSize) {
                        int len = Math.min(blockSize, n - off);
                        block.update(incoming, off, len);
                        Sha256.digestInto(block, hash, 0);
                        long index = (pos + off) / blockSize;
                        if (!Arrays.equals(hash, 0, Sha256.LENGTH, expected, (int) index * Sha256.LENGTH,
                                (int) index * Sha256.LENGTH + Sha256.LENGTH)) {
                            throw new PayloadMismatch("payload '" + p.name() + "': block " + index
                                    + " does not match the manifest");
                        }
                    }
                    offer(verified, new Chunk(pos, incoming, n), writer);
                    verifiedBytes.accept(pos + n);
                }
            } finally {
                // On success and on failure alike: the writer finishes what was verified, then ends.
                offer(verified, END, writer);
                awaitQuietly(thread);
            }
            long[] counts = result(writer);
            // Every byte was checked against its block hash, and the block hashes are signed: the
            // payload's whole SHA-256 follows from them and is not computed a second time here.
            device.force();
            return counts;
        }
    }

    private static long[] writeChunks(BlockDevice device, BlockingQueue<Chunk> verified, BlockingQueue<byte[]> free,
            int blockSize, int chunk) throws IOException, InterruptedException {
        byte[] present = new byte[chunk];
        long written = 0;
        long skipped = 0;
        for (Chunk c = verified.take(); c != END; c = verified.take()) {
            byte[] incoming = c.data();
            int n = c.length();
            long pos = c.position();
            int got = device.read(pos, ByteBuffer.wrap(present, 0, n));
            int runStart = -1;
            for (int off = 0; off < n; off += blockSize) {
                int len = Math.min(blockSize, n - off);
                boolean same = off + len <= got && Arrays.equals(incoming, off, off + len, present, off, off + len);
                if (same) {
                    skipped += len;
                    if (runStart >= 0) {
                        device.write(pos + runStart, ByteBuffer.wrap(incoming, runStart, off - runStart));
                        written += off - runStart;
                        runStart = -1;
                    }
                } else if (runStart < 0) {
                    runStart = off;
                }
            }
            if (runStart >= 0) {
                device.write(pos + runStart, ByteBuffer.wrap(incoming, runStart, n - runStart));
                written += n - runStart;
            }
            free.put(incoming);
        }
        return new long[] {written, skipped};
    }

    private static byte[] poll(BlockingQueue<byte[]> free, FutureTask<long[]> writer) throws IOException {
        try {
            while (true) {
                byte[] b = free.poll(50, TimeUnit.MILLISECONDS);
                if (b == FAILED) {
                    result(writer);
                    throw new IllegalStateException("installer: the slot writer failed without a cause");
                }
                if (b != null) {
                    return b;
                }
                if (writer.isDone()) {
                    result(writer);
                    throw new IllegalStateException("installer: the slot writer ended early");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("installer: interrupted while writing a slot");
        }
    }

    private static void offer(BlockingQueue<Chunk> verified, Chunk c, FutureTask<long[]> writer) throws IOException {
        try {
            // The writer takes chunks until END or a failure; a failed writer takes none.
            while (!writer.isDone()) {
                if (verified.offer(c, 50, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("installer: interrupted while writing a slot");
        }
    }

    private static void awaitQuietly(Thread thread) throws InterruptedIOException {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("installer: interrupted waiting for the slot writer");
        }
    }

    /** The writer's counts, or its failure rethrown as it was. */
    private static long[] result(FutureTask<long[]> writer) throws IOException {
        try {
            return writer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("installer: interrupted waiting for the slot writer");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("installer: the slot writer failed", cause);
        }
    }

    private static Keyring readKeyring(InputStream in, Payload p) throws IOException {
        byte[] pem = in.readNBytes((int) p.size());
        if (pem.length != p.size()) {
            throw new EOFException("update bundle: truncated in keyring payload '" + p.name() + "'");
        }
        MessageDigest block = Sha256.newDigest();
        byte[] expected = p.blockHashBytes();
        for (int off = 0, i = 0; off < pem.length; off += p.blockSize(), i++) {
            block.update(pem, off, Math.min(p.blockSize(), pem.length - off));
            if (!Arrays.equals(block.digest(), Arrays.copyOfRange(expected, i * 32, i * 32 + 32))) {
                throw new PayloadMismatch("keyring payload '" + p.name() + "': block " + i + " does not match the manifest");
            }
        }
        try {
            return Keyring.parse(pem);
        } catch (IllegalArgumentException e) {
            throw new PayloadMismatch("keyring payload '" + p.name() + "': " + e.getMessage());
        }
    }

    /** Replaces the keyring file atomically: a forced temporary file renamed over it. */
    private static void replaceKeyring(Keyring keyring, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(keyring.toPem());
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
        LOG.info("Installer: keyring replaced with {} certificates", keyring.certificates().size());
    }
}
