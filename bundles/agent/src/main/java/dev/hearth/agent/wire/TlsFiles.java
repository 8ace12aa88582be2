package dev.hearth.agent.wire;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * PEM files for TLS to the broker; empty paths mean "not used".
 *
 * @param caFile         certificates that may sign the broker's certificate; empty: the JVM's
 * @param clientCertFile this client's certificate chain; empty: no client certificate
 * @param clientKeyFile  its PKCS#8 private key (unencrypted); given exactly when the certificate is
 */
public record TlsFiles(Optional<Path> caFile, Optional<Path> clientCertFile, Optional<Path> clientKeyFile) {

    public static final TlsFiles NONE = new TlsFiles(Optional.empty(), Optional.empty(), Optional.empty());

    public TlsFiles {
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(clientCertFile, "clientCertFile");
        Objects.requireNonNull(clientKeyFile, "clientKeyFile");
        if (clientCertFile.isPresent() != clientKeyFile.isPresent()) {
            throw new IllegalArgumentException("TLS: a client certificate file and its key file must be given together");
        }
    }

    /** Trusts the CA certificates of {@code caFile} and presents the given client certificate. */
    public static TlsFiles of(Path caFile, Path clientCertFile, Path clientKeyFile) {
        return new TlsFiles(Optional.of(caFile), Optional.of(clientCertFile), Optional.of(clientKeyFile));
    }
}
