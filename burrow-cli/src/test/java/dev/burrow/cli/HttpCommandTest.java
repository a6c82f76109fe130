package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentListener;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.config.AuthtokenResolver;
import dev.burrow.edge.Edge;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.tls.EdgeCertificate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpCommandTest {
    private static final String WRONG_FINGERPRINT = "00".repeat(32);

    @TempDir
    static Path edgeDir;

    @TempDir
    Path dir;

    private static Edge edge;
    private static String token;

    @BeforeAll
    static void startEdge() {
        edge = Edge.start(EdgeConfig.builder("example.test", edgeDir)
                .agentAddress(new InetSocketAddress("127.0.0.1", 0))
                .httpAddress(new InetSocketAddress("127.0.0.1", 0))
                .build());
        token = edge.store().tokens().create("test-agent").token();
    }

    @AfterAll
    static void stopEdge() {
        edge.close();
    }

    private String server() {
        return "127.0.0.1:" + edge.agentAddress().getPort();
    }

    private String config() {
        return dir.resolve("burrow.yml").toString();
    }

    @Test
    void missingAuthtokenIsAUsageErrorThatSaysHowToAddOne() {
        assumeTrue(System.getenv(AuthtokenResolver.ENV_VAR) == null, "an authtoken is set in the environment");

        Cli.Result result = Cli.run("http", "8080", "--server", server(), "--config", config());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("burrow: no authtoken").contains("burrow config add-authtoken")
                .hasLineCount(1);
    }

    @Test
    void wrongAuthtokenIsRefused() {
        Cli.Result result = Cli.run("http", "8080", "--server", server(), "--config", config(),
                "--server-fingerprint", edge.certificateFingerprint(), "--authtoken", "brw_nosuchid_nosecret");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).startsWith("burrow: ").containsIgnoringCase("authtoken").hasLineCount(1);
        assertThat(result.out()).isEmpty();
    }

    @Test
    void wrongFingerprintIsUntrusted() {
        Cli.Result result = Cli.run("http", "8080", "--server", server(), "--config", config(),
                "--server-fingerprint", WRONG_FINGERPRINT, "--authtoken", token);

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.err()).startsWith("burrow: the edge's certificate is not trusted by certificate with"
                + " SHA-256 fingerprint ").contains(": its fingerprint is another").hasLineCount(1);
    }

    @Test
    void aCaFileThatDidNotIssueTheEdgesCertificateIsNamedWithWhy() throws IOException {
        Path otherCa = dir.resolve("other");
        EdgeCertificate.loadOrCreateSelfSigned(otherCa, List.of("example.test"));

        Cli.Result result = Cli.run("http", "8080", "--server", server(), "--config", config(),
                "--server-ca", otherCa.resolve("edge-cert.pem").toString(), "--authtoken", token);

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.err()).isEqualTo("burrow: the edge's certificate is not trusted by CAs from "
                + otherCa.resolve("edge-cert.pem") + ": it was not issued by one of them (pin the edge with"
                + " --server-fingerprint, or trust its CA with --server-ca)" + System.lineSeparator());
    }

    @Test
    void systemTrustRejectsTheSelfSignedEdge() {
        Cli.Result result = Cli.run("http", "8080", "--server", server(), "--config", config(),
                "--authtoken", token);

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.err()).startsWith("burrow: the edge's certificate is not trusted by system trust store:"
                + " it was not issued by one of them").hasLineCount(1);
    }

    @Test
    void unreachableEdgeIsARuntimeFailure() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        Cli.Result result = Cli.run("http", "8080", "--server", "127.0.0.1:" + closedPort, "--config", config(),
                "--server-fingerprint", WRONG_FINGERPRINT, "--authtoken", token);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("burrow: cannot reach the edge at 127.0.0.1:" + closedPort
                + ": connection refused" + System.lineSeparator());
    }

    @Test
    void fingerprintAndCaTogetherAreAUsageError() {
        Cli.Result result = Cli.run("http", "8080", "--server-ca", "ca.pem", "--server-fingerprint",
                WRONG_FINGERPRINT, "--authtoken", token, "--config", config());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("mutually exclusive").hasLineCount(1);
    }

    @Test
    void malformedFingerprintIsAUsageError() {
        Cli.Result result = Cli.run("http", "8080", "--server-fingerprint", "abc", "--authtoken", token);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("SHA-256 fingerprint").hasLineCount(1);
    }

    @Test
    void connectsAndForwardsToTheUpstream() throws IOException {
        assumeTrue(System.getenv(AuthtokenResolver.ENV_VAR) == null, "an authtoken is set in the environment");
        try (DemoServer upstream = DemoServer.start("127.0.0.1")) {
            Cli.run("config", "add-authtoken", token, "--config", config());
            HttpCommand command = Cli.parse(HttpCommand.class, "http", upstream.upstream().toString(),
                    "--subdomain", "cli-test", "--server", server(), "--config", config(),
                    "--server-fingerprint", edge.certificateFingerprint());

            try (Agent agent = command.connect(AgentListener.NONE)) {
                AgentTunnel tunnel = agent.http(command.tunnelOptions());

                assertThat(tunnel.url()).startsWith("http://cli-test.example.test:");
                assertThat(RawHttp.get(edge.httpAddress(), tunnel.url(), "/hi"))
                        .startsWith("HTTP/1.1 200").contains("Hello from Burrow", "<code>/hi</code>");
            }
        }
    }

    @Test
    void httpsRedirectOptionTravelsInTheBind() {
        HttpCommand command = Cli.parse(HttpCommand.class, "http", "8080", "--subdomain", "shop", "--https-redirect");

        assertThat(command.tunnelOptions().httpsRedirect()).isTrue();
        assertThat(command.tunnelOptions().bindRequest(1, null).httpsRedirect()).isTrue();
        assertThat(Cli.parse(HttpCommand.class, "http", "8080").tunnelOptions().bindRequest(1, null)
                .httpsRedirect()).isNull();
    }

    @Test
    void ngroksUrlOptionAsksForItsHostname() {
        for (String url : List.of("https://api.example.com", "api.example.com", "http://api.example.com:443/v1?x=1")) {
            HttpCommand command = Cli.parse(HttpCommand.class, "http", "8080", "--url", url);

            assertThat(command.tunnelOptions().hostname()).as(url).isEqualTo("api.example.com");
            assertThat(command.tunnelOptions().subdomain()).isNull();
        }
    }

    @Test
    void theUrlIsOneWayToNameTheTunnelAmongTheOthers() {
        Cli.Result result = Cli.run("http", "8080", "--url", "https://api.example.com", "--subdomain", "api");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("mutually exclusive").hasLineCount(1);
    }

    @Test
    void aNameTheEdgeWouldRefuseIsAUsageErrorBeforeAnythingIsDialled() {
        Cli.Result subdomain = Cli.run("http", "8080", "--subdomain", "Bad_Name!", "--server", server(), "--config",
                config(), "--authtoken", token);
        Cli.Result url = Cli.run("http", "8080", "--url", "https://two..dots.example.com", "--server", server(),
                "--config", config(), "--authtoken", token);

        assertThat(subdomain.exitCode()).isEqualTo(2);
        assertThat(subdomain.err()).isEqualTo("burrow: --subdomain: subdomain 'Bad_Name!' is not a DNS label: 1 to"
                + " 63 of a-z, 0-9 and '-', not starting or ending with '-'" + System.lineSeparator());
        assertThat(url.exitCode()).isEqualTo(2);
        assertThat(url.err()).startsWith("burrow: --url: hostname 'two..dots.example.com' is not a DNS name");
        assertThat(edge.tunnels()).isEmpty();
    }
}
