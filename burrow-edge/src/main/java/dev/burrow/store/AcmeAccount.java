package dev.burrow.store;

import java.time.Instant;

/** An account at an ACME CA: where the CA keeps it, and the key pair (PEM) that signs for it. */
public record AcmeAccount(String directoryUrl, String accountUrl, String keyPairPem, Instant createdAt) {
    @Override
    public String toString() {
        return "AcmeAccount[directoryUrl=" + directoryUrl + ", accountUrl=" + accountUrl + "]";
    }
}
