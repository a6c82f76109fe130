package dev.burrow.edge.acme;

import dev.burrow.store.StoredCertificate;

/** Gets a new certificate for one hostname. Blocks for as long as the CA takes; never called on an event loop. */
@FunctionalInterface
interface CertificateIssuer {
    StoredCertificate issue(String hostname) throws Exception;
}
