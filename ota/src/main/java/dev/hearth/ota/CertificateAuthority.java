package dev.hearth.ota;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small CA made with BouncyCastle (EC P-256): issues signer certificates and intermediate CAs
 * with chosen validity. For tests, the power-cut suite and benchmarks, and for a first development
 * keyring; a production CA's key stays offline.
 */
public final class CertificateAuthority {

    private static final AtomicLong SERIAL = new AtomicLong(1000);

    private final KeyPair keys;
    private final X509Certificate certificate;
    private final List<X509Certificate> chainAbove;

    private CertificateAuthority(KeyPair keys, X509Certificate certificate, List<X509Certificate> chainAbove) {
        this.keys = keys;
        this.certificate = certificate;
        this.chainAbove = chainAbove;
    }

    /** A self-signed root CA valid from 2020 to 2100. */
    public static CertificateAuthority root(String name) {
        KeyPair keys = newKeys();
        X509Certificate cert = issue(name, keys, name, keys.getPrivate(), null, Instant.parse("2020-01-01T00:00:00Z"),
                Instant.parse("2100-01-01T00:00:00Z"), true);
        return new CertificateAuthority(keys, cert, List.of());
    }

    /** An intermediate CA under this one. */
    public CertificateAuthority intermediate(String name) {
        KeyPair k = newKeys();
        X509Certificate cert = issue(name, k, subject(), keys.getPrivate(), certificate, Instant.parse("2020-01-01T00:00:00Z"),
                Instant.parse("2100-01-01T00:00:00Z"), true);
        List<X509Certificate> above = new ArrayList<>();
        above.add(certificate);
        above.addAll(chainAbove);
        return new CertificateAuthority(k, cert, above);
    }

    /** A signer valid from {@code notBefore} to {@code notAfter}; its chain holds every CA below the root. */
    public SigningKey signer(String name, Instant notBefore, Instant notAfter) {
        KeyPair k = newKeys();
        X509Certificate cert = issue(name, k, subject(), keys.getPrivate(), certificate, notBefore, notAfter, false);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        if (!chainAbove.isEmpty()) {
            chain.add(certificate);
            chain.addAll(chainAbove.subList(0, chainAbove.size() - 1));
        }
        return new SigningKey(k.getPrivate(), chain);
    }

    /** A signer valid from 2020 to 2100. */
    public SigningKey signer(String name) {
        return signer(name, Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z"));
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The keyring that trusts this CA's root. */
    public Keyring keyring() {
        return Keyring.of(chainAbove.isEmpty() ? certificate : chainAbove.get(chainAbove.size() - 1));
    }

    private String subject() {
        return certificate.getSubjectX500Principal().getName();
    }

    private static KeyPair newKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an EC key pair", e);
        }
    }

    private static X509Certificate issue(String name, KeyPair subjectKeys, String issuer, PrivateKey issuerKey,
            X509Certificate issuerCert, Instant notBefore, Instant notAfter, boolean ca) {
        try {
            String dn = name.contains("=") ? name : "CN=" + name;
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Principal(issuer.contains("=") ? issuer : "CN=" + issuer),
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    new X500Principal(dn), subjectKeys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                    : KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            if (issuerCert != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot issue a certificate for " + name, e);
        }
    }
}
