package dev.hearth.ota;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** A private key and its certificate chain, signer first, up to (not necessarily including) a keyring CA. */
public record SigningKey(PrivateKey key, List<X509Certificate> chain) {

    public SigningKey {
        Objects.requireNonNull(key, "signing key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("signing key: the certificate chain is empty");
        }
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** Reads an unencrypted PEM private key (PKCS#8 or traditional) and a PEM chain, signer first. */
    public static SigningKey fromPem(Path keyFile, Path chainFile) throws IOException {
        PrivateKey key;
        try (Reader r = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            Object o = pem.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                key = converter.getPrivateKey(pair.getPrivateKeyInfo());
            } else if (o instanceof PrivateKeyInfo info) {
                key = converter.getPrivateKey(info);
            } else {
                throw new IOException("signing key: " + keyFile + " holds no unencrypted PEM private key");
            }
        }
        return new SigningKey(key, Keyring.fromPem(chainFile).certificates());
    }
}
