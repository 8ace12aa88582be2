package dev.hearth.ota.cli;

import dev.hearth.ota.Keyring;
import dev.hearth.ota.Manifest;
import dev.hearth.ota.ManifestSigner;
import dev.hearth.ota.ManifestVerifier;
import dev.hearth.ota.Payload;
import dev.hearth.ota.Sha256;
import dev.hearth.ota.SigningKey;
import dev.hearth.ota.UpdateBundleFormat;
import dev.hearth.ota.UpdateBundleReader;
import dev.hearth.ota.UpdateBundleWriter;
import dev.hearth.ota.UpdatePolicy;
import dev.hearth.ota.Verification;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hearth ota create|sign|verify|info}: builds, signs, checks and shows update bundles. */
@Command(name = "ota", mixinStandardHelpOptions = true, version = "hearth ota 1",
        description = "Build, sign, check and show Hearth update bundles (.hup).",
        subcommands = {OtaCommand.Create.class, OtaCommand.Sign.class, OtaCommand.Verify.class, OtaCommand.Info.class})
public final class OtaCommand implements Callable<Integer> {

    /** Exit status of a bundle that was checked and refused. */
    public static final int REFUSED = 1;

    @Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, for embedding and tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new OtaCommand());
        cl.setExecutionExceptionHandler((e, line, parse) -> {
            String message = e instanceof java.nio.file.NoSuchFileException ? "no such file: " + e.getMessage()
                    : e.getMessage();
            line.getErr().println("hearth ota " + line.getCommandName() + ": " + message);
            return 2;
        });
        return cl;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** A payload on the command line: {@code name:slot-class:file}. */
    record PayloadArg(String name, String slotClass, Path file) {
        static PayloadArg parse(String text) {
            String[] parts = text.split(":", 3);
            if (parts.length != 3) {
                throw new CommandLine.TypeConversionException("expected name:slot-class:file, got '" + text + "'");
            }
            return new PayloadArg(parts[0], parts[1], Path.of(parts[2]));
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an unsigned update bundle from payload files.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--board", required = true, description = "Compatible board, e.g. rpi4.")
        String board;
        @Option(names = "--version", required = true, description = "Version of the update.")
        String version;
        @Option(names = "--counter", required = true, description = "Anti-rollback counter.")
        long counter;
        @Option(names = "--block-size", defaultValue = "" + UpdateBundleFormat.DEFAULT_BLOCK_SIZE,
                description = "Bytes per hashed block (default ${DEFAULT-VALUE}).")
        int blockSize;
        @Option(names = "--payload", required = true, converter = PayloadConverter.class,
                description = "name:slot-class:file, in bundle order; slot class 'keyring' carries PEM CA certificates.")
        List<PayloadArg> payloads;
        @Option(names = {"-o", "--output"}, required = true, description = "The .hup file to write.")
        Path output;

        @Override
        public Integer call() throws IOException {
            List<Payload> described = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            for (PayloadArg p : payloads) {
                described.add(UpdateBundleWriter.describe(p.name(), p.slotClass(), p.file(), blockSize));
                files.add(p.file());
            }
            Manifest m = Manifest.of(board, version, counter, described);
            writeAtomically(output, out -> UpdateBundleWriter.write(out, m.toJson(), new byte[0], files));
            spec.commandLine().getOut().printf(Locale.ROOT, "created %s: %s (unsigned)%n", output, m);
            return 0;
        }
    }

    static final class PayloadConverter implements CommandLine.ITypeConverter<PayloadArg> {
        @Override
        public PayloadArg convert(String value) {
            return PayloadArg.parse(value);
        }
    }

    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = "Sign a bundle's manifest (detached CMS), replacing any signature.")
    static final class Sign implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--key", required = true, description = "PEM private key (unencrypted).")
        Path key;
        @Option(names = "--cert", required = true, description = "PEM certificate chain, signer first.")
        Path cert;
        @Option(names = "--signing-time", description = "ISO-8601 instant to state as the signing time (default: now).")
        Instant signingTime;
        @Option(names = {"-o", "--output"}, description = "Where to write the signed bundle (default: in place).")
        Path output;
        @Parameters(index = "0", description = "The bundle.")
        Path bundle;

        @Override
        public Integer call() throws IOException {
            SigningKey signingKey = SigningKey.fromPem(key, cert);
            byte[] manifest;
            try (UpdateBundleReader r = new UpdateBundleReader(Files.newInputStream(bundle))) {
                manifest = r.manifestBytes();
            }
            byte[] signature = ManifestSigner.sign(manifest, signingKey, signingTime == null ? Instant.now() : signingTime);
            Path target = output == null ? bundle : output;
            writeAtomically(target, out -> {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(bundle), 1 << 20)) {
                    UpdateBundleWriter.resign(in, out, signature);
                }
            });
            spec.commandLine().getOut().printf(Locale.ROOT, "signed %s by %s%n", target,
                    signingKey.certificate().getSubjectX500Principal().getName());
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Verify a bundle: signature against a keyring (at the signing time), board, counter, and every payload block.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--keyring", required = true, description = "PEM CA certificates to trust.")
        Path keyring;
        @Option(names = "--board", description = "Refuse bundles for other boards.")
        String board;
        @Option(names = "--installed-counter", defaultValue = "0", description = "Refuse a lower counter (default 0).")
        long installedCounter;
        @Option(names = "--force", description = "Accept a lower counter.")
        boolean force;
        @Parameters(index = "0", description = "The bundle.")
        Path bundle;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            try (UpdateBundleReader r = new UpdateBundleReader(new BufferedInputStream(Files.newInputStream(bundle), 1 << 20))) {
                ManifestVerifier verifier = new ManifestVerifier(Keyring.fromPem(keyring));
                Verification v = board == null ? verifier.verifySignature(r.manifestBytes(), r.signature())
                        : verifier.verify(r.manifestBytes(), r.signature(), new UpdatePolicy(board, installedCounter, force));
                if (v instanceof Verification.Refused refused) {
                    out.println("refused: " + refused);
                    return REFUSED;
                }
                Verification.Verified ok = (Verification.Verified) v;
                if (board == null && ok.manifest().counter() < installedCounter && !force) {
                    out.println("refused: DOWNGRADE: counter " + ok.manifest().counter() + " < " + installedCounter);
                    return REFUSED;
                }
                for (Payload p : ok.manifest().payloads()) {
                    String problem = checkBlocks(r.payload(ok.manifest().payloads(), p), p);
                    if (!problem.isEmpty()) {
                        out.println("refused: payload '" + p.name() + "': " + problem);
                        return REFUSED;
                    }
                }
                out.printf(Locale.ROOT, "verified: %s, signed by %s at %s%n", ok.manifest(),
                        ok.signer().getSubjectX500Principal().getName(), ok.signingTime());
                return 0;
            } catch (java.io.EOFException e) {
                out.println("refused: " + e.getMessage());
                return REFUSED;
            }
        }
    }

    /** Empty when every block and the whole payload match the manifest, else what does not. */
    static String checkBlocks(InputStream in, Payload p) throws IOException {
        byte[] expected = p.blockHashBytes();
        byte[] buffer = new byte[p.blockSize()];
        byte[] hash = new byte[Sha256.LENGTH];
        MessageDigest whole = Sha256.newDigest();
        MessageDigest block = Sha256.newDigest();
        for (long i = 0; i < p.blockCount(); i++) {
            int want = (int) Math.min(p.blockSize(), p.size() - i * p.blockSize());
            int n = in.readNBytes(buffer, 0, want);
            if (n != want) {
                return "truncated at block " + i;
            }
            block.update(buffer, 0, n);
            whole.update(buffer, 0, n);
            Sha256.digestInto(block, hash, 0);
            int at = (int) i * Sha256.LENGTH;
            if (!Arrays.equals(hash, 0, Sha256.LENGTH, expected, at, at + Sha256.LENGTH)) {
                return "block " + i + " does not match the manifest";
            }
        }
        return Arrays.equals(whole.digest(), p.sha256Bytes()) ? "" : "SHA-256 does not match the manifest";
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Show a bundle's manifest and signer (unverified).")
    static final class Info implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", description = "The bundle.")
        Path bundle;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (UpdateBundleReader r = new UpdateBundleReader(Files.newInputStream(bundle))) {
                Manifest m = Manifest.parse(r.manifestBytes());
                out.printf(Locale.ROOT, "board:     %s%nversion:   %s%ncounter:   %d%n", m.compatible(), m.version(), m.counter());
                byte[] sig = r.signature();
                if (sig.length == 0) {
                    out.println("signature: none");
                } else {
                    CMSSignedData cms = new CMSSignedData(sig);
                    var signer = cms.getSignerInfos().getSigners().iterator().next();
                    List<String> certs = new ArrayList<>();
                    for (X509CertificateHolder h : cms.getCertificates().getMatches(null)) {
                        if (signer.getSID().match(h)) {
                            certs.add(h.getSubject().toString());
                        }
                    }
                    out.printf(Locale.ROOT, "signature: %d bytes, signer %s (not verified)%n", sig.length,
                            certs.isEmpty() ? "unknown" : certs.get(0));
                }
                for (Payload p : m.payloads()) {
                    out.printf(Locale.ROOT, "payload:   %-12s class %-10s %,d bytes, %d blocks of %d, sha256 %s%n",
                            p.name(), p.slotClass(), p.size(), p.blockCount(), p.blockSize(), p.sha256());
                }
            }
            return 0;
        }
    }

    @FunctionalInterface
    interface Writing {
        void to(OutputStream out) throws IOException;
    }

    /** Writes a temporary file next to {@code target}, then renames it over the target. */
    static void writeAtomically(Path target, Writing writing) throws IOException {
        Path abs = target.toAbsolutePath();
        Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".part");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                writing.to(out);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
