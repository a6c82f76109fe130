package dev.burrow.edge.acme;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the edge gets HTTPS certificates from an ACME CA (RFC 8555). The CA proves each name with HTTP-01
 * against the edge's public HTTP listener, so that listener must be what port 80 of every tunnel name reaches.
 * Configuring a CA accepts its terms of service.
 *
 * @param directory           the CA's directory URL
 * @param caFile              a PEM file of the only CAs to trust for the ACME server's own HTTPS (a test CA);
 *                            null trusts the JDK's CA set
 * @param email               a contact address given to the CA for expiry notices; null gives none
 * @param issuancesPerHour    how many orders the edge may start per hour; a burst may spend them at once
 * @param maxConcurrentOrders how many orders may be in flight at once
 * @param renewalCheck        how often the kept certificates are checked for renewal
 */
public record AcmeSettings(URI directory, Path caFile, String email, int issuancesPerHour, int maxConcurrentOrders,
                           Duration renewalCheck) {
    public AcmeSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(renewalCheck, "renewalCheck");
        if (issuancesPerHour < 1 || maxConcurrentOrders < 1) {
            throw new IllegalArgumentException("the issuance limits must be at least 1");
        }
    }

    /** The CA at {@code directory}, trusted through the JDK's CAs, with the default limits. */
    public static AcmeSettings directory(URI directory) {
        return new AcmeSettings(directory, null, null, 10, 3, Duration.ofHours(12));
    }

    public AcmeSettings withCa(Path pem) {
        return new AcmeSettings(directory, pem, email, issuancesPerHour, maxConcurrentOrders, renewalCheck);
    }

    public AcmeSettings withEmail(String address) {
        return new AcmeSettings(directory, caFile, address, issuancesPerHour, maxConcurrentOrders, renewalCheck);
    }

    public AcmeSettings withIssuanceLimit(int perHour, int concurrent) {
        return new AcmeSettings(directory, caFile, email, perHour, concurrent, renewalCheck);
    }

    public AcmeSettings withRenewalCheck(Duration interval) {
        return new AcmeSettings(directory, caFile, email, issuancesPerHour, maxConcurrentOrders, interval);
    }
}
