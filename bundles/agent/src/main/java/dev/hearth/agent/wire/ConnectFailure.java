package dev.hearth.agent.wire;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;

/** Why a connection to the broker failed, in words a person can act on, from Paho's exception and its causes. */
public final class ConnectFailure {

    private ConnectFailure() {
    }

    public static String describe(String brokerUrl, Throwable failure) {
        boolean untrusted = false;
        boolean tls = false;
        boolean hostName = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            untrusted |= t instanceof CertPathBuilderException || t instanceof CertPathValidatorException;
            tls |= t instanceof SSLException;
            hostName |= t instanceof CertificateException && String.valueOf(t.getMessage()).contains("No subject alternative");
        }
        String root = root(failure);
        if (untrusted) {
            return "the broker " + brokerUrl + " presented a certificate not signed by a trusted CA (check tlsCaFile): " + root;
        }
        if (hostName) {
            return "the broker's certificate does not name the host of " + brokerUrl + ": " + root;
        }
        if (tls && failure.toString().contains("certificate")) {
            return "the broker " + brokerUrl + " refused the TLS handshake (is a valid client certificate configured?): " + root;
        }
        if (tls) {
            return "TLS handshake with " + brokerUrl + " failed: " + root;
        }
        return "cannot connect to " + brokerUrl + ": " + failure + (root.equals(failure.toString()) ? "" : " (" + root + ")");
    }

    private static String root(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r.toString();
    }
}
