package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.EdgeReload;
import dev.burrow.edge.TestCa;
import dev.burrow.tls.CertificateReload;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link dev.burrow.edge.Edge#reload()} through a real edge, agent and upstream: connections made afterwards to the
 * agent port and the HTTPS port get the certificates the files hold now, while the agent already connected keeps its
 * connection and its tunnel.
 */
class CertificateReloadTest {
    @TempDir
    Path dir;
    final TestCa ca = new TestCa("Reload test CA");
    TestUpstream upstream;
    TunnelHarness harness;

    @BeforeEach
    void setUp() throws IOException {
        upstream = new TestUpstream();
    }

    @AfterEach
    void tearDown() {
        if (harness != null) {
            harness.close();
        }
        upstream.close();
    }

    @Test
    void newConnectionsGetTheCertificatesReadAgainAndTheTunnelStaysBound() throws Exception {
        Path httpsCert = dir.resolve("https-cert.pem");
        Path httpsKey = dir.resolve("https-key.pem");
        Path agentCert = dir.resolve("agent-cert.pem");
        Path agentKey = dir.resolve("agent-key.pem");
        ca.issue("burrow.test", "*.burrow.test").write(httpsCert, httpsKey);
        ca.issue("localhost").write(agentCert, agentKey);
        harness = new TunnelHarness(dir.resolve("edge"), edge -> edge
                .httpsAddress(new InetSocketAddress("127.0.0.1", 0))
                .publicCertificate(httpsCert, httpsKey)
                .certificate(agentCert, agentKey));
        harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app"));
        String session = harness.edge.tunnels().get(0).session().id();
        TestCa.Leaf nextHttps = ca.issue("burrow.test", "*.burrow.test");
        TestCa.Leaf nextAgent = ca.issue("localhost");
        nextHttps.write(httpsCert, httpsKey);
        nextAgent.write(agentCert, agentKey);

        EdgeReload reload = harness.edge.reload();

        assertThat(reload.certificates())
                .extracting(CertificateReload::listener, read -> read.certificate().chain()[0])
                .containsExactly(tuple("agent", nextAgent.certificate()), tuple("https", nextHttps.certificate()));
        int httpsPort = harness.edge.httpsAddress().getPort();
        assertThat(TlsClients.handshake(httpsPort, "app.burrow.test", ca.certificate))
                .isEqualTo(nextHttps.certificate());
        assertThat(TlsClients.handshake(harness.edge.agentAddress().getPort(), "localhost", ca.certificate))
                .isEqualTo(nextAgent.certificate());
        assertThat(harness.edge.certificateFingerprint()).isEqualTo(reload.certificates().get(0).certificate()
                .sha256Fingerprint());
        assertThat(TlsClients.get(TlsClients.httpClient(ca.certificate, "app.burrow.test"), httpsPort,
                "app.burrow.test", "/after").body()).isEqualTo("hello from upstream /after");
        assertThat(harness.edge.tunnels()).extracting(tunnel -> tunnel.session().id()).containsExactly(session);
    }

    @Test
    void anEdgeWithItsOwnCertificateHasNoFilesToReadAgain() {
        harness = new TunnelHarness(dir.resolve("edge"));

        assertThat(harness.edge.reload().certificates()).isEmpty();
    }
}
