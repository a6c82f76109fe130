package dev.burrow.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.FingerprintTrustManagerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How an agent decides that the edge it dialled is the real one (and how the edge checks its ACME
 * CA). There is deliberately no "trust anything" mode: an agent that cannot verify the edge would
 * hand its tunnels to whoever answers.
 *
 * <p>Hostname verification, when {@link #verifiesHostname()} is true, is configured on the
 * context itself, so every handler created from it enforces it. Callers must create handlers with
 * {@code context.newHandler(alloc, host, port)}: the host is both the SNI name and the name checked
 * against the certificate. A handler made without a host fails the handshake in those modes rather
 * than skipping the check.
 */
public final class ServerTrust {

    private final TrustManagerFactory trustManagers;
    private final boolean verifiesHostname;
    private final String description;

    private ServerTrust(TrustManagerFactory trustManagers, boolean verifiesHostname, String description) {
        this.trustManagers = trustManagers;
        this.verifiesHostname = verifiesHostname;
        this.description = description;
    }

    /** The JDK's default CAs; for edges with a publicly issued certificate. */
    public static ServerTrust system() {
        return new ServerTrust(TlsContexts.systemTrust(), true, "system trust store");
    }

    /**
     * Only the CAs in {@code pem} (a self-signed edge certificate works as its own CA), with the
     * hostname still checked. Read eagerly so a bad file is reported at startup.
     */
    public static ServerTrust caFile(Path pem) {
        List<X509Certificate> authorities = Pem.readCertificates(pem);
        return new ServerTrust(TlsContexts.trustManagers(keyStoreOf(authorities)), true, "CAs from " + pem);
    }

    /**
     * Exactly the leaf certificate with this SHA-256 fingerprint (any format
     * {@link Fingerprints#normalize} accepts). The hostname is not checked: a pin identifies the
     * edge more precisely than any name, and lets agents dial it by IP or through an alias.
     */
    public static ServerTrust fingerprint(String sha256) {
        String pin = Fingerprints.normalize(sha256);
        TrustManagerFactory pinned = FingerprintTrustManagerFactory.builder("SHA-256").fingerprints(pin).build();
        return new ServerTrust(pinned, false, "certificate with SHA-256 fingerprint " + pin);
    }

    /** A TLS 1.3-only client context offering {@code alpn} in preference order. */
    public SslContext clientContext(String... alpn) {
        return clientContext(TlsContexts.preferredProvider(), alpn);
    }

    SslContext clientContext(SslProvider provider, String... alpn) {
        return TlsContexts.build(TlsContexts.clientBuilder(provider, trustManagers, verifiesHostname, alpn)
                .protocols(TlsContexts.TLS_1_3));
    }

    /**
     * A JDK context trusting what this trust trusts, for clients such as java.net.http that check the hostname
     * themselves (the ACME client does).
     */
    public SSLContext jdkContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    /** Whether the host passed to {@code newHandler} must match the edge certificate. */
    public boolean verifiesHostname() {
        return verifiesHostname;
    }

    /** For logs and error messages, e.g. "CAs from /etc/burrow/ca.pem". */
    @Override
    public String toString() {
        return description;
    }

    private static KeyStore keyStoreOf(List<X509Certificate> authorities) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                store.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build trust store: " + e.getMessage(), e);
        }
    }
}
