package dev.hearth.ota;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * The trusted CA certificates an update bundle's signer must chain up to. Signer keys rotate by
 * issuing new signer certificates from these CAs; the CAs themselves rotate by a signed update that
 * carries a new keyring.
 */
public record Keyring(List<X509Certificate> certificates) {

    public Keyring {
        certificates = List.copyOf(certificates);
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("keyring holds no certificate");
        }
    }

    public static Keyring of(X509Certificate... certificates) {
        return new Keyring(List.of(certificates));
    }

    public static Keyring fromPem(Path file) throws IOException {
        try {
            return parse(Files.readAllBytes(file));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses PEM certificates; anything that is not a certificate fails with {@link IllegalArgumentException}. */
    public static Keyring parse(byte[] pem) {
        try (InputStream in = new ByteArrayInputStream(pem)) {
            List<X509Certificate> certs = new ArrayList<>();
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (var c : factory.generateCertificates(in)) {
                certs.add((X509Certificate) c);
            }
            return new Keyring(certs);
        } catch (CertificateException | IOException e) {
            throw new IllegalArgumentException("keyring: not PEM X.509 certificates: " + e.getMessage(), e);
        }
    }

    public byte[] toPem() {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            for (X509Certificate c : certificates) {
                w.writeObject(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("keyring: cannot write PEM", e);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
