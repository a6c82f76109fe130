package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.tls.ClientAuthorities;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code terminate-tls}: the edge's HTTPS handshakes for the tunnel's name require a client certificate issued under
 * {@code mutual_tls_certificate_authorities} (PEM texts, each with one or more CA certificates). An HTTP tunnel's
 * TLS is always the edge's to terminate, so the authorities are all there is to configure. It acts at the
 * handshake, through {@link #clientAuthorities()}, before any request exists; its rule therefore takes no
 * expressions, which {@code PolicyReader} refuses.
 */
final class TerminateTls implements Action {
    private static final String AUTHORITIES = "mutual_tls_certificate_authorities";

    private final ClientAuthorities authorities;

    TerminateTls(ActionConfig config) throws PolicyException {
        config.only(AUTHORITIES);
        List<String> texts = config.strings(AUTHORITIES);
        if (texts.isEmpty()) {
            throw config.problem("config needs '" + AUTHORITIES + "', a list of PEM texts of CA certificates");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            try {
                certificates.addAll(ClientAuthorities.read(texts.get(i), AUTHORITIES + "[" + i + "]"));
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw config.problem(e.getMessage());
            }
        }
        try {
            authorities = new ClientAuthorities(certificates);
        } catch (IllegalArgumentException e) {
            throw config.problem(AUTHORITIES + ": " + e.getMessage());
        }
    }

    /** Nothing is left to do once a connection is up: its handshake already required the certificate. */
    @Override
    public void apply(PolicyContext context) {
    }

    @Override
    public ClientAuthorities clientAuthorities() {
        return authorities;
    }
}
