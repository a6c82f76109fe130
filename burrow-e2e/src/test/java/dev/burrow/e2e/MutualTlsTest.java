package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.burrow.agent.AgentException;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.TlsTunnelOptions;
import dev.burrow.edge.TestCa;
import dev.burrow.protocol.ErrorCode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS for an HTTP tunnel (a terminate-tls rule), through a real edge's HTTPS listener, agent and upstream:
 * a visitor with a certificate from the tunnel's CA gets in and the upstream learns its subject; one without a
 * certificate, or with one from another CA, fails the handshake; plain HTTP, in either version, gets 403; a policy
 * changed while the tunnel serves applies to the connections that follow.
 */
class MutualTlsTest {
    private static final String APP = "app.burrow.test";

    @TempDir
    Path dir;
    TestCa serverCa;
    TestCa clientCa;
    TestCa.Leaf ann;
    TestCa.Leaf stranger;
    TunnelHarness harness;
    TestUpstream upstream;

    @BeforeEach
    void setUp() throws Exception {
        serverCa = new TestCa("Burrow test CA");
        serverCa.issue("burrow.test", "*.burrow.test").write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        clientCa = new TestCa("Staff CA");
        ann = clientCa.issue("ann.staff.test");
        stranger = new TestCa("Other CA").issue("eve.other.test");
        upstream = new TestUpstream();
        harness = new TunnelHarness(dir.resolve("edge"), edge -> edge
                .httpsAddress(new InetSocketAddress("127.0.0.1", 0))
                .tlsAddress(new InetSocketAddress("127.0.0.1", 0))
                .publicCertificate(dir.resolve("cert.pem"), dir.resolve("key.pem")));
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
    }

    private String policy(TestCa ca) {
        return """
                on_tcp_connect:
                  - actions:
                      - type: terminate-tls
                        config:
                          mutual_tls_certificate_authorities: ["%s"]
                """.formatted(TestCa.pem(ca.certificate).replace("\n", "\\n"));
    }

    private AgentTunnel bind(String policy) {
        return harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app")
                .withTrafficPolicy(policy));
    }

    private int httpsPort() {
        return harness.edge.httpsAddress().getPort();
    }

    private HttpResponse<String> get(HttpClient client, String path) throws IOException, InterruptedException {
        return TlsClients.get(client, httpsPort(), APP, path);
    }

    @Test
    void aVisitorWithACertificateFromTheTunnelsCaGetsInAndTheUpstreamAndTheRulesLearnItsSubject() throws Exception {
        bind(policy(clientCa) + """
                on_http_request:
                  - name: root only
                    expressions:
                      - "req.url.path.startsWith('/echo/admin')"
                      - "req.headers['x-burrow-client-cert-subject'][0] != 'CN=root.staff.test'"
                    actions: [{type: deny}]
                """);
        HttpClient client = TlsClients.httpClient(serverCa.certificate, APP, ann);

        HttpResponse<String> response = client.send(forging("/echo"), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> admin = client.send(forging("/echo/admin"), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("h:x-burrow-client-cert-subject=CN=ann.staff.test\n")
                .doesNotContain("CN=root");
        assertThat(admin.statusCode()).as("the rule saw the verified subject, not the forged one").isEqualTo(403);
        assertThat(upstream.requested).containsExactly("/echo");
    }

    /** A request that claims a subject of its own. */
    private HttpRequest forging(String path) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpsPort() + path))
                .header("Host", APP).header("X-Burrow-Client-Cert-Subject", "CN=root.staff.test")
                .timeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void aVisitorWithoutACertificateOrWithOneFromAnotherCaFailsTheHandshakeAndNeverReachesTheUpstream() {
        bind(policy(clientCa));

        assertThatThrownBy(() -> get(TlsClients.httpClient(serverCa.certificate, APP), "/echo/none"))
                .isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
        assertThatThrownBy(() -> get(TlsClients.httpClient(serverCa.certificate, APP, stranger), "/echo/stranger"))
                .isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
        assertThat(upstream.requested).isEmpty();
    }

    @Test
    void curlWithTheCertificateGetsInOverHttp2AndWithoutItGetsATlsAlert() throws Exception {
        Curl.assumeHttp2();
        bind(policy(clientCa));
        Path caFile = serverCa.writeCertificate(dir.resolve("ca.pem"));
        Path certFile = dir.resolve("ann.pem");
        Path keyFile = dir.resolve("ann-key.pem");
        ann.write(certFile, keyFile);
        List<String> common = List.of("-sS", "--max-time", "20", "--cacert", caFile.toString(), "--resolve",
                APP + ":" + httpsPort() + ":127.0.0.1", "-w", "\n%{http_code} %{http_version}");
        String url = "https://" + APP + ":" + httpsPort() + "/echo/curl";

        Curl.Result with = Curl.run(concat(common, List.of("--cert", certFile.toString(), "--key",
                keyFile.toString(), url)), null);
        Curl.Result without = Curl.run(concat(common, List.of(url)), null);

        assertThat(with.out()).contains("h:x-burrow-client-cert-subject=CN=ann.staff.test\n").endsWith("\n200 2");
        assertThat(without.exitCode()).as(without.err()).isNotZero().isNotEqualTo(28);
        assertThat(without.err()).containsIgnoringCase("alert");
        assertThat(upstream.requested).containsExactly("/echo/curl");
    }

    @Test
    void plainHttpInEitherVersionGets403AndNeverReachesTheUpstream() throws Exception {
        bind(policy(clientCa));

        HttpResponse<String> http1 = harness.get(APP, "/echo/plain");
        Curl.assumeHttp2();
        Curl.Result http2 = Curl.run(List.of("-sS", "--max-time", "20", "--http2-prior-knowledge", "-H",
                "Host: " + APP, "-w", "\n%{http_code} %{http_version}",
                "http://127.0.0.1:" + harness.httpPort() + "/echo/plain2"), null);

        assertThat(http1.statusCode()).isEqualTo(403);
        assertThat(http1.headers().firstValue("burrow-error")).hasValue("client_certificate_required");
        assertThat(http1.body()).contains("only over HTTPS");
        assertThat(http2.out()).contains("only over HTTPS").endsWith("\n403 2");
        assertThat(upstream.requested).isEmpty();
    }

    @Test
    void aPolicyChangedWhileTheTunnelServesAppliesToTheConnectionsThatFollow() throws Exception {
        AgentTunnel tunnel = bind(null);
        try (RawHttp1 before = RawHttp1.connectTls(httpsPort(), serverCa.certificate, APP)) {
            assertThat(before.send("GET /echo/a HTTP/1.1\r\nHost: " + APP + "\r\n\r\n").read().status())
                    .isEqualTo(200);

            tunnel.updateTrafficPolicy(policy(clientCa));

            RawHttp1.Response stale = before.send("GET /echo/b HTTP/1.1\r\nHost: " + APP + "\r\n\r\n").read();
            assertThat(stale.status()).as("a connection opened without a certificate is of no more use").isEqualTo(403);
            assertThat(stale.body()).contains("Open a new connection");
            before.assertClosed();
        }
        assertThatThrownBy(() -> get(TlsClients.httpClient(serverCa.certificate, APP), "/echo/c"))
                .isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
        assertThat(get(TlsClients.httpClient(serverCa.certificate, APP, ann), "/echo/d").statusCode()).isEqualTo(200);

        tunnel.updateTrafficPolicy(null);

        HttpResponse<String> anyone = get(TlsClients.httpClient(serverCa.certificate, APP), "/echo/e");
        assertThat(anyone.statusCode()).isEqualTo(200);
        assertThat(anyone.body()).doesNotContain("x-burrow-client-cert-subject");
        assertThat(upstream.requested).containsExactly("/echo/a", "/echo/d", "/echo/e");
    }

    @Test
    void aTlsTunnelWithTerminateTlsIsRefusedAtBind() {
        assertThatThrownBy(() -> harness.startAgent().tls(TlsTunnelOptions.to("8443").withSubdomain("tls")
                .withTrafficPolicy(policy(clientCa))))
                .isInstanceOfSatisfying(AgentException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.POLICY_INVALID))
                .hasMessageContaining("cannot have terminate-tls");
    }

    private static List<String> concat(List<String> first, List<String> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }
}
