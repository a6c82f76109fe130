package dev.burrow.tls;

import dev.burrow.config.PrivateFile;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A key and certificate chain the edge presents: on the agent port, and (when the operator gives one) on the public
 * HTTPS port.
 */
public final class EdgeCertificate {

    static final String CERT_FILE = "edge-cert.pem";
    static final String KEY_FILE = "edge-key.pem";

    private final X509Certificate[] chain;
    private final PrivateKey key;
    private final boolean created;
    private final String fingerprint;

    private EdgeCertificate(X509Certificate[] chain, PrivateKey key, boolean created) {
        this.chain = chain;
        this.key = key;
        this.created = created;
        this.fingerprint = Fingerprints.sha256(chain[0]);
    }

    /**
     * Loads an operator-supplied chain (leaf first) and its unencrypted RSA or EC key.
     *
     * @throws IllegalArgumentException naming the offending file if either file holds no usable
     *                                  PEM content or the key does not belong to the leaf
     * @throws UncheckedIOException     if a file cannot be read
     */
    public static EdgeCertificate load(Path certPem, Path keyPem) {
        X509Certificate[] chain = Pem.readCertificates(certPem).toArray(X509Certificate[]::new);
        PrivateKey key = Pem.readPrivateKey(keyPem);
        requireMatchingKey(key, chain[0], certPem, keyPem);
        return new EdgeCertificate(chain, key, false);
    }

    /**
     * Reuses {@value #CERT_FILE} and {@value #KEY_FILE} from {@code dataDir}, or generates and
     * stores a self-signed EC P-256 certificate for {@code dnsNames} plus the loopback names.
     * Reuse matters: agents pin the fingerprint, so it must survive restarts.
     *
     * @throws IllegalStateException if only one of the two files exists, since silently
     *                               replacing the other would discard an operator's key or pin
     */
    public static EdgeCertificate loadOrCreateSelfSigned(Path dataDir, List<String> dnsNames) {
        return loadOrCreateSelfSigned(dataDir, dnsNames, List.of());
    }

    /**
     * As {@link #loadOrCreateSelfSigned(Path, List)}, but a kept certificate that does not name every one of
     * {@code mustName} (names the operator asked for since it was made) is replaced by a new one naming
     * {@code dnsNames} and them: its fingerprint changes, as {@link #created()} tells.
     */
    public static EdgeCertificate loadOrCreateSelfSigned(Path dataDir, List<String> dnsNames, List<String> mustName) {
        Path certFile = dataDir.resolve(CERT_FILE);
        Path keyFile = dataDir.resolve(KEY_FILE);
        boolean haveCert = Files.exists(certFile);
        boolean haveKey = Files.exists(keyFile);
        if (haveCert && haveKey) {
            // The edge's own files, unlike those the operator names: the edge keeps them owner-only.
            PrivateFile.tighten(keyFile);
            PrivateFile.tighten(certFile);
            EdgeCertificate kept = load(certFile, keyFile);
            if (kept.names().containsAll(mustName)) {
                return kept;
            }
            return create(certFile, keyFile, union(dnsNames, mustName));
        }
        if (haveCert || haveKey) {
            throw new IllegalStateException("found " + (haveCert ? certFile : keyFile) + " but not "
                    + (haveCert ? keyFile : certFile) + "; restore it, or delete both to generate a new certificate");
        }
        return create(certFile, keyFile, union(dnsNames, mustName));
    }

    private static EdgeCertificate create(Path certFile, Path keyFile, List<String> dnsNames) {
        SelfSignedCertificates.SelfSigned generated = SelfSignedCertificates.generate(dnsNames);
        // The certificate is written last: its presence is what later runs take as "complete".
        writePrivate(keyFile, Pem.toText(generated.key()));
        writePrivate(certFile, Pem.toText(List.of(generated.certificate())));
        return new EdgeCertificate(new X509Certificate[] {generated.certificate()}, generated.key(), true);
    }

    private static List<String> union(List<String> names, List<String> more) {
        LinkedHashSet<String> all = new LinkedHashSet<>(names);
        all.addAll(more);
        return List.copyOf(all);
    }

    /** The DNS names the leaf certificate is for (its subject alternative names of type DNS). */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        try {
            Collection<List<?>> alternatives = chain[0].getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (Integer.valueOf(2).equals(alternative.get(0))) {
                        names.add(String.valueOf(alternative.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // A certificate whose names cannot be read names nothing that can be relied on.
        }
        return names;
    }

    /** Owner-only like everything in the data directory, the certificate too, though it is no secret. */
    private static void writePrivate(Path file, String pem) {
        try {
            PrivateFile.write(file, pem.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e, e);
        }
    }

    /** True if this instance was generated by {@link #loadOrCreateSelfSigned} rather than read from disk. */
    public boolean created() {
        return created;
    }

    /** Leaf first; a copy, so callers cannot alter what later contexts are built from. */
    public X509Certificate[] chain() {
        return chain.clone();
    }

    public PrivateKey key() {
        return key;
    }

    /** When the leaf stops being valid. */
    public Instant expires() {
        return chain[0].getNotAfter().toInstant();
    }

    /** SHA-256 of the leaf in {@code AB:CD:...} form; what agents pass to {@link ServerTrust#fingerprint}. */
    public String sha256Fingerprint() {
        return fingerprint;
    }

    /**
     * A TLS 1.3-only server context offering {@code alpn} in preference order. If the client
     * shares none of them the handshake still completes without a protocol, and the caller decides.
     */
    public SslContext serverContext(String... alpn) {
        return serverContext(TlsContexts.preferredProvider(), alpn);
    }

    SslContext serverContext(SslProvider provider, String... alpn) {
        SslContextBuilder builder = SslContextBuilder.forServer(key, chain)
                .sslProvider(provider)
                .protocols(TlsContexts.TLS_1_3);
        return TlsContexts.build(TlsContexts.withAlpn(builder, alpn));
    }

    /** Catches a swapped key file at startup instead of as a baffling handshake failure later. */
    private static void requireMatchingKey(PrivateKey key, X509Certificate leaf, Path certPem, Path keyPem) {
        String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        byte[] probe = "burrow key check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException(keyPem + ": private key does not belong to the first certificate in " + certPem);
        }
    }
}
