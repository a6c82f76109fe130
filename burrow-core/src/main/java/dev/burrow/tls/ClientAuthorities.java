package dev.burrow.tls;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The certificate authorities whose client certificates a public HTTPS name takes (a traffic policy's
 * {@code terminate-tls} rule). A value: two sets of the same certificates are equal, so a connection verified under
 * one is verified under the other, and a policy changed in other ways keeps the connections it had.
 */
public record ClientAuthorities(List<X509Certificate> certificates) {
    /** Certificates in a set: a few CAs with their intermediates; each one is tried at every handshake. */
    public static final int MAX_CERTIFICATES = 16;

    /** @throws IllegalArgumentException if there are none, or more than {@value #MAX_CERTIFICATES} */
    public ClientAuthorities {
        certificates = List.copyOf(certificates);
        if (certificates.isEmpty() || certificates.size() > MAX_CERTIFICATES) {
            throw new IllegalArgumentException("between 1 and " + MAX_CERTIFICATES + " CA certificates are taken, not "
                    + certificates.size());
        }
    }

    /**
     * The CA certificates of PEM text; other PEM blocks are skipped.
     *
     * @throws IllegalArgumentException starting with {@code source}: no certificate in the text, bad PEM, or a
     *     certificate that is not a CA's (no {@code basicConstraints} with {@code CA:TRUE})
     */
    public static List<X509Certificate> read(String pem, String source) {
        List<X509Certificate> certificates = Pem.readCertificates(pem, source);
        for (X509Certificate certificate : certificates) {
            if (certificate.getBasicConstraints() < 0) {
                throw new IllegalArgumentException(source + ": '" + certificate.getSubjectX500Principal().getName()
                        + "' is not a CA certificate (its basicConstraints lack CA:TRUE)");
            }
        }
        return certificates;
    }
}
