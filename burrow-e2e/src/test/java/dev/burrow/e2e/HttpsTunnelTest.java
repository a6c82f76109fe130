package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.TestCa;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public HTTPS listener with an operator's wildcard certificate, through a real edge, agent and upstream. */
class HttpsTunnelTest {
    @TempDir
    Path dir;
    TestCa ca;
    Path caFile;
    TunnelHarness harness;
    TestUpstream upstream;

    @BeforeEach
    void setUp() throws Exception {
        ca = new TestCa("Burrow test CA");
        caFile = ca.writeCertificate(dir.resolve("ca.pem"));
        ca.issue("burrow.test", "*.burrow.test").write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        upstream = new TestUpstream();
    }

    @AfterEach
    void tearDown() {
        if (harness != null) {
            harness.close();
        }
        upstream.close();
    }

    private void startEdge(Duration handshakeTimeout) {
        harness = new TunnelHarness(dir.resolve("edge"), edge -> edge
                .httpsAddress(new InetSocketAddress("127.0.0.1", 0))
                .publicCertificate(dir.resolve("cert.pem"), dir.resolve("key.pem"))
                .handshakeTimeout(handshakeTimeout));
    }

    private int httpsPort() {
        return harness.edge.httpsAddress().getPort();
    }

    private AgentTunnel bind(HttpTunnelOptions options) {
        Agent agent = harness.startAgent();
        return agent.http(options);
    }

    @Test
    void javaHttpClientReachesTheTunnelOverHttpsAndTheUpstreamHearsHttps() throws Exception {
        startEdge(Duration.ofSeconds(10));
        AgentTunnel tunnel = bind(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app"));

        HttpResponse<String> response = TlsClients.get(TlsClients.httpClient(ca.certificate, "app.burrow.test"),
                httpsPort(), "app.burrow.test", "/echo");

        assertThat(tunnel.url()).isEqualTo("https://app.burrow.test:" + httpsPort());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("h:x-forwarded-proto=https", "h:x-forwarded-host=app.burrow.test",
                "h:host=app.burrow.test");
    }

    @Test
    void curlVerifiesTheEdgeAgainstTheTestCa() throws Exception {
        startEdge(Duration.ofSeconds(10));
        bind(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app"));
        String origin = "app.burrow.test:" + httpsPort();

        // curl offers h2 in ALPN and the edge takes it; asked for HTTP/1.1 only, it gets that.
        assertThat(curl(origin, "/from-curl")).isEqualTo("hello from upstream /from-curl\n200 2");
        assertThat(curl(origin, "/old-curl", "--http1.1")).isEqualTo("hello from upstream /old-curl\n200 1.1");
    }

    private String curl(String origin, String path, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "--cacert",
                caFile.toString(), "--resolve", origin + ":127.0.0.1", "-w", "\n%{http_code} %{http_version}"));
        command.addAll(List.of(options));
        command.add("https://" + origin + path);
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    @Test
    void hostThatIsNotTheServerNameGets421() throws Exception {
        startEdge(Duration.ofSeconds(10));
        String upstreamPort = Integer.toString(upstream.port());
        bind(HttpTunnelOptions.to(upstreamPort).withSubdomain("app"));
        bind(HttpTunnelOptions.to(upstreamPort).withSubdomain("other"));

        HttpResponse<String> response = TlsClients.get(TlsClients.httpClient(ca.certificate, "app.burrow.test"),
                httpsPort(), "other.burrow.test", "/echo");

        assertThat(response.statusCode()).isEqualTo(421);
        assertThat(response.headers().firstValue("burrow-error")).hasValue("misdirected_request");
        assertThat(response.body()).contains("Misdirected Request", "app.burrow.test", "other.burrow.test");
    }

    @Test
    void plainHttpIsRedirectedToHttpsOnlyForTunnelsThatAsked() throws Exception {
        startEdge(Duration.ofSeconds(10));
        String upstreamPort = Integer.toString(upstream.port());
        bind(HttpTunnelOptions.to(upstreamPort).withSubdomain("secure").withHttpsRedirect(true));
        bind(HttpTunnelOptions.to(upstreamPort).withSubdomain("plain"));

        HttpResponse<String> redirected = harness.get("secure.burrow.test", "/path?q=1");
        HttpResponse<String> served = harness.get("plain.burrow.test", "/path?q=1");

        assertThat(redirected.statusCode()).isEqualTo(308);
        assertThat(redirected.headers().firstValue("location"))
                .hasValue("https://secure.burrow.test:" + httpsPort() + "/path?q=1");
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo("hello from upstream /path?q=1");
        HttpClient secure = TlsClients.httpClient(ca.certificate, "secure.burrow.test");
        assertThat(TlsClients.get(secure, httpsPort(), "secure.burrow.test", "/path?q=1").body())
                .isEqualTo("hello from upstream /path?q=1");
    }

    @Test
    void stalledTlsClientIsClosedAtTheHandshakeTimeout() throws Exception {
        startEdge(Duration.ofSeconds(1));
        try (Socket socket = new Socket("127.0.0.1", httpsPort())) {
            socket.setSoTimeout(20_000);
            // The start of a ClientHello record, and then nothing.
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
            long started = System.nanoTime();

            assertThat(closedByPeer(socket.getInputStream())).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(
                    Duration.ofMillis(800), Duration.ofSeconds(15));
        }
    }

    @Test
    void oversizedClientHelloIsRefusedAtOnce() throws Exception {
        startEdge(Duration.ofSeconds(60));
        try (Socket socket = new Socket("127.0.0.1", httpsPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            // One full 16 KiB handshake record announcing a 1 MiB ClientHello.
            byte[] record = new byte[5 + 16_384];
            record[0] = 0x16;
            record[1] = 0x03;
            record[2] = 0x01;
            record[3] = 0x40;
            record[4] = 0x00;
            record[5] = 0x01;
            record[6] = 0x10;
            out.write(record);
            out.flush();
            long started = System.nanoTime();

            assertThat(closedByPeer(socket.getInputStream())).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        }
    }

    /** True once the edge closed or reset the connection; false if it sent bytes instead. */
    private static boolean closedByPeer(InputStream in) {
        try {
            return in.read() == -1;
        } catch (IOException reset) {
            return !(reset instanceof java.net.SocketTimeoutException);
        }
    }
}
