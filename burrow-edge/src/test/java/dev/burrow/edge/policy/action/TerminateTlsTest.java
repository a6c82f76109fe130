package dev.burrow.edge.policy.action;

import static dev.burrow.edge.policy.action.ActionFixtures.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.burrow.edge.TestCa;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.TunnelType;
import dev.burrow.tls.ClientAuthorities;
import org.junit.jupiter.api.Test;

/**
 * {@code terminate-tls} compiled: the CAs it takes, what it refuses with the action's line (no PEM, a certificate
 * that is not a CA's, too many, expressions on its rule, a second one), and where it fits (HTTP tunnels only).
 */
class TerminateTlsTest {
    private static final TestCa STAFF = new TestCa("Staff CA");
    private static final TestCa PARTNERS = new TestCa("Partners CA");

    /** A JSON string of {@code text}: PEM spans lines. */
    private static String quoted(String text) {
        return "\"" + text.replace("\n", "\\n") + "\"";
    }

    private static String policy(String... pems) {
        return "on_tcp_connect:\n  - name: staff\n    actions:\n      - type: terminate-tls\n        config:\n"
                + "          mutual_tls_certificate_authorities: [" + String.join(", ", pems) + "]\n";
    }

    @Test
    void itTakesEveryCaOfEveryPemTextAndFitsOnlyAnHttpTunnel() throws PolicyException {
        TrafficPolicy policy = TrafficPolicy.compile(policy(quoted(TestCa.pem(STAFF.certificate)
                + TestCa.pem(PARTNERS.certificate)), quoted(TestCa.pem(STAFF.certificate))));

        assertThat(policy.clientAuthorities().certificates())
                .containsExactly(STAFF.certificate, PARTNERS.certificate, STAFF.certificate);
        policy.checkFits(TunnelType.HTTP);
        assertThatThrownBy(() -> policy.checkFits(TunnelType.TLS)).hasMessageContaining("cannot have terminate-tls");
        assertThatThrownBy(() -> policy.checkFits(TunnelType.TCP)).hasMessageContaining("cannot have terminate-tls");
        assertThat(TrafficPolicy.compile(policy(quoted(TestCa.pem(STAFF.certificate)))).clientAuthorities())
                .as("the same CAs are the same authorities, whichever policy names them")
                .isEqualTo(new ClientAuthorities(java.util.List.of(STAFF.certificate)));
    }

    @Test
    void aConfigItCannotUseIsRefusedWithTheActionsLine() {
        assertThat(problem(policy(quoted("not a certificate"))))
                .isEqualTo("line 4: action 'terminate-tls': mutual_tls_certificate_authorities[0]: no PEM certificate"
                        + " (-----BEGIN CERTIFICATE-----) found");
        assertThat(problem(policy(quoted("-----BEGIN CERTIFICATE-----\\nAAAA!!\\n-----END CERTIFICATE-----\\n"))))
                .startsWith("line 4: action 'terminate-tls': mutual_tls_certificate_authorities[0]: malformed PEM");
        assertThat(problem(policy(quoted(TestCa.pem(STAFF.certificate)), quoted(STAFF.issue("ann.test").chainPem()))))
                .isEqualTo("line 4: action 'terminate-tls': mutual_tls_certificate_authorities[1]: 'CN=ann.test' is"
                        + " not a CA certificate (its basicConstraints lack CA:TRUE)");
        assertThat(problem(policy(quoted(TestCa.pem(STAFF.certificate).repeat(ClientAuthorities.MAX_CERTIFICATES + 1)))))
                .contains("between 1 and " + ClientAuthorities.MAX_CERTIFICATES + " CA certificates");
        assertThat(problem(policy()))
                .startsWith("line 4: action 'terminate-tls': config needs 'mutual_tls_certificate_authorities'");
        assertThat(problem("on_tcp_connect:\n  - actions:\n      - type: terminate-tls\n        config:\n"
                + "          min_version: \"1.3\"\n"))
                .startsWith("line 3: action 'terminate-tls': unknown config key 'min_version'");
        assertThat(problem("on_http_request:\n  - actions:\n      - type: terminate-tls\n"))
                .startsWith("line 3: action 'terminate-tls' cannot run in on_http_request");
    }

    @Test
    void itsRuleTakesNoExpressionsAPolicyHasOneAndNoActionSetsTheSubject() {
        String ca = quoted(TestCa.pem(STAFF.certificate));
        assertThat(problem("on_tcp_connect:\n  - name: some\n    expressions: [\"conn.client_port > 0\"]\n"
                + "    actions:\n      - type: terminate-tls\n        config:\n"
                + "          mutual_tls_certificate_authorities: [" + ca + "]\n"))
                .startsWith("line 5: rule 'some': terminate-tls applies to every TLS handshake")
                .contains("cannot have expressions");
        assertThat(problem("on_http_request:\n  - actions:\n      - type: add-headers\n        config:\n"
                + "          headers: {X-Burrow-Client-Cert-Subject: CN=root}\n"))
                .as("the verified subject is the edge's alone").contains("the edge's to set");
        assertThat(problem(policy(ca) + "  - actions:\n      - type: terminate-tls\n        config:\n"
                + "          mutual_tls_certificate_authorities: [" + ca + "]\n"))
                .startsWith("line 8: a policy has at most one terminate-tls action");
    }

    @Test
    void anHttpTunnelsConnectionPhaseTakesNothingElse() throws PolicyException {
        TrafficPolicy mixed = TrafficPolicy.compile(policy(quoted(TestCa.pem(STAFF.certificate)))
                + "  - actions: [{type: restrict-ips, config: {allow: [10.0.0.0/8]}}]\n");

        assertThatThrownBy(() -> mixed.checkFits(TunnelType.HTTP))
                .hasMessageContaining("on_tcp_connect takes only terminate-tls").hasMessageContaining("on_http_request");
    }
}
