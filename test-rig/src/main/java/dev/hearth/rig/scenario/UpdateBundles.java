package dev.hearth.rig.scenario;

import dev.hearth.ota.Manifest;
import dev.hearth.ota.ManifestSigner;
import dev.hearth.ota.Payload;
import dev.hearth.ota.SigningKey;
import dev.hearth.ota.UpdateBundleFormat;
import dev.hearth.ota.UpdateBundleReader;
import dev.hearth.ota.UpdateBundleWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Signed update bundles made on the rig's host from a root file system, with the signing key the
 * firmware's build used (its device trusts that key's CA), so a scenario can update a board to a
 * firmware it made itself.
 *
 * @param key       the signer
 * @param reference the manifest of the bundle built with the image: its board, version and counter
 */
public record UpdateBundles(SigningKey key, Manifest reference) {

    /** The signer in {@code keys/} ({@code signer.key}, {@code signer.pem}) and the manifest of {@code bundle}. */
    public static UpdateBundles of(Path keys, Path bundle) {
        try {
            SigningKey key = SigningKey.fromPem(keys.resolve("signer.key"), keys.resolve("signer.pem"));
            try (UpdateBundleReader reader = new UpdateBundleReader(Files.newInputStream(bundle))) {
                return new UpdateBundles(key, Manifest.parse(reader.manifestBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("update bundles: cannot read the signing key in " + keys + " or the bundle "
                    + bundle + ": " + e.getMessage(), e);
        }
    }

    /** A bundle for the reference's board whose one payload is {@code rootfs} for the root slot class. */
    public Path make(Path rootfs, String version, long counter, Path out) {
        try {
            Payload payload = UpdateBundleWriter.describe("rootfs", "rootfs", rootfs, UpdateBundleFormat.DEFAULT_BLOCK_SIZE);
            Manifest manifest = Manifest.of(reference.compatible(), version, counter, List.of(payload));
            byte[] json = manifest.toJson();
            byte[] signature = ManifestSigner.sign(json, key, Instant.now());
            Path partial = out.resolveSibling(out.getFileName() + ".partial");
            try (OutputStream o = Files.newOutputStream(partial)) {
                UpdateBundleWriter.write(o, json, signature, List.of(rootfs));
            }
            Files.move(partial, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("update bundle " + out + ": " + e.getMessage(), e);
        }
    }
}
