package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.TlsTunnelOptions;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.tls.EdgeCertificate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS tunnels end to end: real TLS clients (the JDK's, openssl) through a real edge and agent to a real local TLS
 * service that holds the certificate, which the edge never sees decrypted.
 */
class TlsTunnelTest {
    /** A bound on a slow machine for one read, not a speed check. */
    private static final int READ_TIMEOUT_MS = 20_000;
    private static final String NAME = "app.burrow.test";
    /** Long enough that only the size limit can close an oversized ClientHello within the read timeout. */
    private static final Duration CLIENT_HELLO_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    EdgeCertificate upstreamCertificate;
    LoopbackServer upstream;
    /** The server name the upstream's last handshake was asked for. */
    final AtomicReference<String> upstreamSawName = new AtomicReference<>();

    @BeforeEach
    void setUp() throws Exception {
        harness = tlsEdge(dataDir, edge -> edge);
        upstreamCertificate = EdgeCertificate.loadOrCreateSelfSigned(dataDir.resolve("upstream"), List.of(NAME));
        SSLContext serverTls = serverContext(upstreamCertificate);
        upstream = new LoopbackServer("tls-upstream", socket -> echoOverTls(serverTls, socket));
    }

    @AfterEach
    void tearDown() throws IOException {
        harness.close();
        upstream.close();
    }

    @Test
    void aJavaClientHandshakesWithTheUpstreamThroughTheEdgeAndBytesGoBothWays() throws Exception {
        AgentTunnel tunnel = harness.startAgent().tls(TlsTunnelOptions.to(upstreamPort()).withSubdomain("app"));

        assertThat(tunnel.hostname()).isEqualTo(NAME);
        assertThat(tunnel.url()).isEqualTo("tls://" + NAME + ":" + tlsPort());
        byte[] sent = new byte[1024 * 1024 + 17];
        new Random(11).nextBytes(sent);
        try (SSLSocket socket = client(NAME)) {
            socket.startHandshake();

            // Only the upstream's certificate is trusted, and checked against the name: the edge did not answer.
            assertThat(socket.getSession().getPeerCertificates()[0]).isEqualTo(upstreamCertificate.chain()[0]);
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    socket.getOutputStream().write(sent);
                    socket.getOutputStream().flush();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] received = socket.getInputStream().readNBytes(sent.length);
            writing.get(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);

            assertThat(Arrays.equals(received, sent)).as("echoed bytes equal the sent ones").isTrue();
            // The upstream read the client's own ClientHello: it was asked for the same name.
            assertThat(upstreamSawName.get()).isEqualTo(NAME);
        }
    }

    @Test
    void opensslGetsTheUpstreamsCertificate() throws Exception {
        assumeTrue(opensslIsInstalled(), "openssl is not installed");
        harness.startAgent().tls(TlsTunnelOptions.to(upstreamPort()).withHostname(NAME));

        String output = opensslConnect(NAME, "-CAfile", dataDir.resolve("upstream/edge-cert.pem").toString(),
                "-verify_hostname", NAME, "-verify_return_error");

        assertThat(output).contains("Verify return code: 0 (ok)");
        assertThat(firstCertificate(output)).isEqualTo(upstreamCertificate.chain()[0]);
    }

    @Test
    void opensslNamingNoTunnelGetsAnUnrecognizedNameAlert() throws Exception {
        assumeTrue(opensslIsInstalled(), "openssl is not installed");
        harness.startAgent().tls(TlsTunnelOptions.to(upstreamPort()).withHostname(NAME));

        String output = opensslConnect("nobody.burrow.test");

        assertThat(output).contains("alert number 112").doesNotContain("BEGIN CERTIFICATE");
    }

    @Test
    void aServerNameOfNoTunnelGetsAnUnrecognizedNameAlert() throws Exception {
        harness.startAgent().tls(TlsTunnelOptions.to(upstreamPort()).withHostname(NAME));

        try (SSLSocket socket = client("nobody.burrow.test")) {
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("unrecognized_name");
        }
        assertThat(upstreamSawName.get()).isNull();
    }

    @Test
    void aClientHelloWithoutAServerNameGetsTheSameAlert() throws Exception {
        harness.startAgent().tls(TlsTunnelOptions.to(upstreamPort()).withHostname(NAME));

        try (SSLSocket socket = client(null)) {
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("unrecognized_name");
        }
        assertThat(upstreamSawName.get()).isNull();
    }

    @Test
    void aTunnelWithoutANameGetsARandomOneThatRoutes() throws Exception {
        AgentTunnel tunnel = harness.startAgent().tls(TlsTunnelOptions.to(upstreamPort()));

        assertThat(tunnel.hostname()).matches("[a-z]+-[a-z]+-\\d+\\.burrow\\.test");
        assertThat(tunnel.url()).isEqualTo("tls://" + tunnel.hostname() + ":" + tlsPort());
        // The upstream's certificate names NAME, not the random name: it is trusted without a hostname check.
        try (SSLSocket socket = client(tunnel.hostname(), false)) {
            socket.startHandshake();

            // The upstream's side of the handshake ends just after the client's.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(upstreamSawName.get()).isEqualTo(tunnel.hostname()));
        }
    }

    @Test
    void aTlsAndAnHttpTunnelShareAHostname() throws Exception {
        try (TestUpstream web = new TestUpstream()) {
            Agent agent = harness.startAgent();
            agent.http(HttpTunnelOptions.to(Integer.toString(web.port())).withHostname(NAME));
            agent.tls(TlsTunnelOptions.to(upstreamPort()).withHostname(NAME));

            assertThat(harness.get(NAME, "/page").body()).isEqualTo("hello from upstream /page");
            try (SSLSocket socket = client(NAME)) {
                socket.startHandshake();
                assertThat(socket.getSession().getPeerCertificates()[0]).isEqualTo(upstreamCertificate.chain()[0]);
            }
        }
    }

    @Test
    void aClosedTunnelsNameGetsTheAlert() throws Exception {
        AgentTunnel tunnel = harness.startAgent().tls(TlsTunnelOptions.to(upstreamPort()).withHostname(NAME));

        tunnel.close();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (SSLSocket socket = client(NAME)) {
                assertThatThrownBy(socket::startHandshake).hasMessageContaining("unrecognized_name");
            }
        });
    }

    @Test
    void aClientHelloOverTheSizeLimitIsClosed() throws Exception {
        try (Socket socket = connect(tlsPort())) {
            // One handshake record of 4 bytes whose header announces a ClientHello of 1 MiB, far over 16 KiB.
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x10, 0x00, 0x00});

            assertThat(socket.getInputStream().readAllBytes()).isEmpty();
        }
    }

    @Test
    void aClientHelloThatStallsIsClosedAfterTheTimeout() throws Exception {
        try (TunnelHarness impatient = tlsEdge(dataDir.resolve("impatient"),
                edge -> edge.clientHelloTimeout(Duration.ofMillis(300)));
             Socket socket = connect(impatient.edge.tlsAddress().getPort())) {
            // A record header announcing 512 bytes, then only 10 of them.
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc,
                    0x03, 0x03, 0x00, 0x00, 0x00, 0x00});

            assertThat(socket.getInputStream().readAllBytes()).isEmpty();
        }
    }

    @Test
    void plaintextOnTheTlsPortIsClosedWithoutAnAnswer() throws Exception {
        try (Socket socket = connect(tlsPort())) {
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + NAME + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));

            assertThat(socket.getInputStream().readAllBytes()).isEmpty();
        }
    }

    @Test
    void connectionsOverThePerAddressCapAreClosedAndOthersStillServed() throws Exception {
        harness.close();
        harness = tlsEdge(dataDir.resolve("capped"), edge -> edge.maxPublicConnections(100, 3));
        harness.startAgent().tls(TlsTunnelOptions.to(upstreamPort()).withHostname(NAME));
        List<SSLSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                SSLSocket socket = client(NAME);
                held.add(socket);
                // A handshake with the upstream proves the edge has accepted and counted this connection.
                socket.startHandshake();
            }

            try (Socket over = connect(tlsPort())) {
                assertThat(over.getInputStream().read()).isEqualTo(-1);
            }
            held.get(0).getOutputStream().write("still here".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(held.get(0).getInputStream().readNBytes(10), StandardCharsets.US_ASCII))
                    .isEqualTo("still here");
        } finally {
            for (SSLSocket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void anAdvertisedPortIsTheOneInUrls() throws Exception {
        harness.close();
        harness = tlsEdge(dataDir.resolve("advertised"), edge -> edge.advertisedTlsPort(443));

        AgentTunnel tunnel = harness.startAgent().tls(TlsTunnelOptions.to(upstreamPort()).withHostname(NAME));

        assertThat(tunnel.url()).isEqualTo("tls://" + NAME + ":443");
    }

    @Test
    void anEdgeWithoutATlsAddressRefusesTlsTunnels() throws Exception {
        try (TunnelHarness httpOnly = new TunnelHarness(dataDir.resolve("http-only"))) {
            Agent agent = httpOnly.startAgent();

            assertThat(httpOnly.edge.tlsAddress()).isNull();
            assertThatThrownBy(() -> agent.tls(TlsTunnelOptions.to(upstreamPort()).withHostname(NAME)))
                    .isInstanceOfSatisfying(AgentException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.TUNNEL_TYPE_UNAVAILABLE);
                        assertThat(e.getMessage()).contains("does not serve tls tunnels");
                    });
        }
    }

    /** An edge with a TLS listener on loopback, a 16 KiB ClientHello limit and a long ClientHello timeout. */
    private static TunnelHarness tlsEdge(Path dir, UnaryOperator<EdgeConfig.Builder> more) {
        return new TunnelHarness(dir, edge -> more.apply(edge.tlsAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxClientHelloLength(16 * 1024)
                .clientHelloTimeout(CLIENT_HELLO_TIMEOUT)));
    }

    private int tlsPort() {
        return harness.edge.tlsAddress().getPort();
    }

    private String upstreamPort() {
        return Integer.toString(upstream.port());
    }

    /**
     * A TLS client to the edge's TLS port that trusts only the upstream's certificate and checks it against
     * {@code serverName}, which it sends as SNI; a null name sends none.
     */
    private SSLSocket client(String serverName) throws Exception {
        return client(serverName, true);
    }

    private SSLSocket client(String serverName, boolean checkName) throws Exception {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("upstream", upstreamCertificate.chain()[0]);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(anchors);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(connect(tlsPort()), serverName == null ? "127.0.0.1" : serverName, tlsPort(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(serverName == null ? List.of() : List.<SNIServerName>of(new SNIHostName(serverName)));
        if (checkName) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        socket.setSSLParameters(parameters);
        return socket;
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return socket;
    }

    private static SSLContext serverContext(EdgeCertificate certificate) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("upstream", certificate.key(), new char[0], certificate.chain());
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        return context;
    }

    /** Terminates TLS on an accepted connection, then echoes what it reads until the client closes. */
    private void echoOverTls(SSLContext serverTls, Socket accepted) throws IOException {
        accepted.setSoTimeout(READ_TIMEOUT_MS);
        try (SSLSocket socket = (SSLSocket) serverTls.getSocketFactory().createSocket(accepted, null, true)) {
            socket.startHandshake();
            List<SNIServerName> names = ((ExtendedSSLSession) socket.getSession()).getRequestedServerNames();
            upstreamSawName.set(names.isEmpty() ? null : ((SNIHostName) names.get(0)).getAsciiName());
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
            }
        }
    }

    private static boolean opensslIsInstalled() {
        try {
            Process process = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code openssl s_client} to the edge's TLS port with stdin at its end; returns all it printed. */
    private String opensslConnect(String serverName, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client",
                "-connect", "127.0.0.1:" + tlsPort(), "-servername", serverName));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        try {
            assertThat(process.waitFor(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS)).as("openssl finished").isTrue();
            return new String(output.get(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
        } finally {
            process.destroyForcibly();
        }
    }

    private static X509Certificate firstCertificate(String opensslOutput) throws Exception {
        Matcher pem = Pattern.compile("-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----")
                .matcher(opensslOutput);
        assertThat(pem.find()).as("openssl printed a certificate").isTrue();
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.group().getBytes(StandardCharsets.US_ASCII)));
    }
}
