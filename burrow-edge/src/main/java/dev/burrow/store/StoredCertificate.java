package dev.burrow.store;

import java.time.Instant;

/** A hostname's certificate chain (PEM, leaf first), its private key (PKCS#8 PEM), and the leaf's validity. */
public record StoredCertificate(String hostname, String chainPem, String keyPem, Instant notBefore,
                                Instant notAfter, Instant issuedAt) {
    @Override
    public String toString() {
        return "StoredCertificate[hostname=" + hostname + ", notBefore=" + notBefore + ", notAfter=" + notAfter + "]";
    }
}
