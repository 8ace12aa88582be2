package dev.hearth.ota;

import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Checks a manifest's detached CMS signature against a {@link Keyring}: the signature must match
 * the exact manifest bytes, and the signer's chain (certificates carried in the signature) must
 * reach a keyring CA with every certificate valid <em>at the signing time</em> the signature
 * states, not now: a certificate that expired after signing does not make old bundles invalid.
 */
public final class ManifestVerifier {

    private final Keyring keyring;

    public ManifestVerifier(Keyring keyring) {
        this.keyring = keyring;
    }

    /** Verifies the signature, parses the manifest and applies {@code policy}. */
    public Verification verify(byte[] manifestBytes, byte[] signature, UpdatePolicy policy) {
        Verification v = verifySignature(manifestBytes, signature);
        if (v instanceof Verification.Verified ok) {
            return policy.check(ok.manifest()).<Verification>map(r -> r).orElse(ok);
        }
        return v;
    }

    /** Verifies the signature and parses the manifest; no board or counter policy. */
    public Verification verifySignature(byte[] manifestBytes, byte[] signature) {
        if (signature.length == 0) {
            return refused(Refusal.UNSIGNED, "the bundle carries no signature");
        }
        CMSSignedData cms;
        try {
            cms = new CMSSignedData(new CMSProcessableByteArray(manifestBytes), signature);
        } catch (CMSException | RuntimeException e) {
            return refused(Refusal.MALFORMED_SIGNATURE, "not a CMS SignedData: " + e.getMessage());
        }
        Collection<SignerInformation> signers = cms.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            return refused(Refusal.MALFORMED_SIGNATURE, "expected one signer, found " + signers.size());
        }
        SignerInformation signer = signers.iterator().next();
        Instant signingTime;
        try {
            Attribute attr = signer.getSignedAttributes() == null ? null
                    : signer.getSignedAttributes().get(CMSAttributes.signingTime);
            if (attr == null) {
                return refused(Refusal.MALFORMED_SIGNATURE, "the signature states no signing time");
            }
            signingTime = Time.getInstance(attr.getAttrValues().getObjectAt(0)).getDate().toInstant();
        } catch (RuntimeException e) {
            return refused(Refusal.MALFORMED_SIGNATURE, "unreadable signing time: " + e.getMessage());
        }
        List<X509Certificate> carried = new ArrayList<>();
        X509Certificate signerCert = null;
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try {
            for (X509CertificateHolder h : cms.getCertificates().getMatches(null)) {
                X509Certificate c = converter.getCertificate(h);
                carried.add(c);
                if (signer.getSID().match(h)) {
                    signerCert = c;
                }
            }
        } catch (CertificateException e) {
            return refused(Refusal.MALFORMED_SIGNATURE, "unreadable certificate: " + e.getMessage());
        }
        if (signerCert == null) {
            return refused(Refusal.UNKNOWN_SIGNER, "the signature does not carry the signer's certificate");
        }
        Date at = Date.from(signingTime);
        Verification.Refused expired = expiredOnTheWayUp(signerCert, carried, at, signingTime);
        if (expired != null) {
            return expired;
        }
        try {
            if (!signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(signerCert))) {
                return refused(Refusal.TAMPERED, "the signature does not match the manifest");
            }
        } catch (CMSException e) {
            return refused(Refusal.TAMPERED, "the signature does not match the manifest: " + e.getMessage());
        } catch (OperatorCreationException e) {
            return refused(Refusal.MALFORMED_SIGNATURE, "unsupported signature algorithm: " + e.getMessage());
        }
        String chainProblem = chainToKeyring(signerCert, carried, at);
        if (chainProblem != null) {
            return refused(Refusal.UNKNOWN_SIGNER, "signer '" + signerCert.getSubjectX500Principal()
                    + "' does not chain to the keyring: " + chainProblem);
        }
        Manifest manifest;
        try {
            manifest = Manifest.parse(manifestBytes);
        } catch (IllegalArgumentException e) {
            return refused(Refusal.MALFORMED_MANIFEST, e.getMessage());
        }
        return new Verification.Verified(manifest, signerCert, signingTime);
    }

    /** Walks issuer names from the signer through carried and keyring certificates; reports the first one invalid at {@code at}. */
    private Verification.Refused expiredOnTheWayUp(X509Certificate signerCert, List<X509Certificate> carried, Date at,
            Instant signingTime) {
        List<X509Certificate> pool = new ArrayList<>(carried);
        pool.addAll(keyring.certificates());
        Set<X509Certificate> seen = new HashSet<>();
        X509Certificate current = signerCert;
        while (current != null && seen.add(current)) {
            try {
                current.checkValidity(at);
            } catch (CertificateExpiredException | CertificateNotYetValidException e) {
                return refused(Refusal.EXPIRED_AT_SIGNING, "certificate '" + current.getSubjectX500Principal()
                        + "' was not valid at the signing time " + signingTime + " (valid " + current.getNotBefore().toInstant()
                        + " to " + current.getNotAfter().toInstant() + ")");
            }
            if (current.getIssuerX500Principal().equals(current.getSubjectX500Principal())) {
                break;
            }
            X509Certificate issuer = null;
            for (X509Certificate c : pool) {
                if (c.getSubjectX500Principal().equals(current.getIssuerX500Principal()) && verifiesChild(c, current)) {
                    issuer = c;
                    break;
                }
            }
            current = issuer;
        }
        return null;
    }

    private static boolean verifiesChild(X509Certificate issuer, X509Certificate child) {
        try {
            child.verify(issuer.getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    /** Null when a PKIX path from the signer to a keyring CA is valid at {@code at}, otherwise the problem. */
    private String chainToKeyring(X509Certificate signerCert, List<X509Certificate> carried, Date at) {
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate c : keyring.certificates()) {
                anchors.add(new TrustAnchor(c, null));
            }
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(signerCert);
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            params.setRevocationEnabled(false);
            params.setDate(at);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(carried)));
            CertPathBuilder.getInstance("PKIX").build(params);
            return null;
        } catch (CertPathBuilderException e) {
            return e.getMessage();
        } catch (InvalidAlgorithmParameterException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("manifest verifier: PKIX path building is unavailable", e);
        }
    }

    private static Verification.Refused refused(Refusal reason, String detail) {
        return new Verification.Refused(reason, detail);
    }
}
