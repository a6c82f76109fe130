package dev.burrow.edge;

import dev.burrow.tls.CertificateReload;
import java.util.List;

/**
 * What {@link Edge#reload()} did.
 *
 * @param certificates one per listener whose certificate files were read again, in the order agent port, HTTPS;
 *                     empty when the edge was given no files to read again
 */
public record EdgeReload(List<CertificateReload> certificates) {
    public EdgeReload {
        certificates = List.copyOf(certificates);
    }
}
