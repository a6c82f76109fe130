package dev.burrow.store;

import java.util.List;
import java.util.Optional;

/**
 * What automatic certificates leave behind: the ACME account of each CA directory (its key pair as PEM), and the
 * certificate of each hostname (its private key as PKCS#8 PEM). The database is as private as the data directory it
 * lives in.
 */
public interface CertificateStore {

    /** The account this edge holds at the CA whose directory is {@code directoryUrl}, if it made one. */
    Optional<AcmeAccount> account(String directoryUrl);

    /** Keeps the account of its directory, replacing one kept before. */
    void saveAccount(AcmeAccount account);

    /** Every stored certificate, whatever its expiry. */
    List<StoredCertificate> certificates();

    /** Keeps the certificate of its hostname, replacing the one kept before. */
    void saveCertificate(StoredCertificate certificate);
}
