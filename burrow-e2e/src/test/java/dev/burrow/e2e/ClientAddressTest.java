package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.ProxyProtocol;
import dev.burrow.agent.TcpTunnelOptions;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.edge.PortRange;
import dev.burrow.edge.proxy.Cidr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's real address, end to end with real sockets: the forwarded headers an HTTP upstream gets (and whose it
 * keeps), the PROXY protocol header a load balancer sends the edge, and the one the agent sends a TCP upstream.
 * Loopback has many addresses: 127.0.0.1 plays the trusted proxy, 127.0.0.2 anyone else; the load balancer that
 * sends PROXY headers is 127.0.0.2, since a listed peer must send one on the agent port too and the harness's
 * agents connect from 127.0.0.1, and anyone else is then 127.0.0.3.
 */
class ClientAddressTest {
    private static final String HOST = "app.burrow.test";
    private static final List<Cidr> FIRST_LOOPBACK = List.of(Cidr.parse("127.0.0.1/32"));
    private static final String BALANCER = "127.0.0.2";
    private static final List<Cidr> BALANCERS = List.of(Cidr.parse(BALANCER + "/32"));
    private static final String SOMEONE_ELSE = "127.0.0.3";
    private static final int READ_TIMEOUT_MS = 10_000;

    @TempDir
    Path dataDir;
    private TunnelHarness harness;
    private TestUpstream upstream;
    private LoopbackServer echo;

    @AfterEach
    void tearDown() throws IOException {
        if (harness != null) {
            harness.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    private void startHttp(UnaryOperator<EdgeConfig.Builder> edge, UnaryOperator<HttpTunnelOptions> tunnel)
            throws IOException {
        harness = new TunnelHarness(dataDir, edge);
        upstream = new TestUpstream();
        harness.startAgent().http(tunnel.apply(HttpTunnelOptions.to(Integer.toString(upstream.port()))
                .withSubdomain("app")));
    }

    /** A tunnel to an upstream that echoes every byte it gets, PROXY header included; returns its public port. */
    private int startTcp(UnaryOperator<EdgeConfig.Builder> edge, ProxyProtocol proxyProtocol) throws IOException {
        PortRange ports = TcpTunnelTest.freeRange(2);
        harness = new TunnelHarness(dataDir, b -> edge.apply(b.tcpPorts(ports)));
        echo = new LoopbackServer("echo-upstream", socket ->
                socket.getInputStream().transferTo(socket.getOutputStream()));
        AgentTunnel tunnel = harness.startAgent().tcp(TcpTunnelOptions.to(Integer.toString(echo.port()))
                .withProxyProtocol(proxyProtocol));
        return tunnel.port();
    }

    private static String echoRequest(String extraHeaders) {
        return "GET /echo HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n" + extraHeaders + "\r\n";
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static Socket connect(String fromIp, InetAddress toIp, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(fromIp, 0));
        socket.connect(new InetSocketAddress(toIp, port), READ_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return socket;
    }

    /**
     * Sends {@code bytes} from {@code fromIp}, ends its side if told to (an HTTP client does not: the edge closes a
     * connection whose client did), and returns everything the peer sends until it closes (a reset counts as
     * closing). A peer still silent after the read timeout fails the test.
     */
    private static byte[] exchange(String fromIp, InetAddress toIp, int port, byte[] bytes, boolean endOutput)
            throws IOException {
        try (Socket socket = connect(fromIp, toIp, port)) {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            if (endOutput) {
                socket.shutdownOutput();
            }
            return readUntilClosed(socket.getInputStream());
        }
    }

    /** An HTTP/1.1 exchange with the edge's listener, which closes the connection after its answer. */
    private String exchangeWithEdge(String fromIp, InetAddress edgeIp, byte[] bytes) throws IOException {
        return new String(exchange(fromIp, edgeIp, harness.httpPort(), bytes, false), StandardCharsets.UTF_8);
    }

    private String exchangeWithEdge(String fromIp, String raw) throws IOException {
        return exchangeWithEdge(fromIp, InetAddress.getByName("127.0.0.1"), ascii(raw));
    }

    private static byte[] readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) != -1) {
                received.write(buf, 0, n);
            }
        } catch (SocketException e) {
            assertThat(e.getMessage()).containsIgnoringCase("reset");
        }
        return received.toByteArray();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    // ---- X-Forwarded-* and Forwarded on HTTP tunnels ----

    @Test
    void anUntrustedClientsForwardedHeadersAreReplaced() throws Exception {
        startHttp(b -> b.trustedProxies(FIRST_LOOPBACK), t -> t);

        String answer = exchangeWithEdge("127.0.0.2", echoRequest("X-Forwarded-For: 6.6.6.6\r\n"
                + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.example\r\nForwarded: for=6.6.6.6\r\n"));

        assertThat(answer).startsWith("HTTP/1.1 200 ");
        assertThat(answer.lines()).contains("h:x-forwarded-for=127.0.0.2", "h:x-forwarded-proto=http",
                "h:x-forwarded-host=" + HOST);
        assertThat(answer).doesNotContain("6.6.6.6", "evil.example", "h:forwarded=");
    }

    @Test
    void aTrustedProxysForwardedHeadersAreKeptAndAppendedTo() throws Exception {
        startHttp(b -> b.trustedProxies(FIRST_LOOPBACK), t -> t.withForwardedHeader(true));

        String answer = exchangeWithEdge("127.0.0.1", echoRequest("X-Forwarded-For: 6.6.6.6\r\n"
                + "X-Forwarded-Proto: https\r\nForwarded: for=6.6.6.6;proto=https\r\n"));

        assertThat(answer.lines()).contains("h:x-forwarded-for=6.6.6.6, 127.0.0.1", "h:x-forwarded-proto=https",
                "h:forwarded=for=6.6.6.6;proto=https, for=127.0.0.1;proto=http;host=" + HOST);
    }

    @Test
    void aTunnelThatAsksGetsAForwardedHeaderInsteadOfTheClients() throws Exception {
        startHttp(b -> b, t -> t.withForwardedHeader(true));

        HttpResponse<String> response = harness.client.send(harness.request(HOST, "/echo")
                .header("Forwarded", "for=6.6.6.6").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.body().lines()).contains("h:forwarded=for=127.0.0.1;proto=http;host=" + HOST);
    }

    @Test
    void theForwardedHeaderBracketsAndQuotesAnIpv6Client() throws Exception {
        assumeTrue(ipv6LoopbackWorks(), "this machine has no ::1");
        startHttp(b -> b.httpAddress(new InetSocketAddress("::1", 0)), t -> t.withForwardedHeader(true));

        String answer = exchangeWithEdge("::1", InetAddress.getByName("::1"), ascii(echoRequest("")));

        assertThat(answer.lines()).contains("h:forwarded=for=\"[::1]\";proto=http;host=" + HOST,
                "h:x-forwarded-for=::1");
    }

    private static boolean ipv6LoopbackWorks() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- PROXY protocol into the edge ----

    @Test
    void aBalancersV1HeaderNamesTheClientForTheForwardedHeaders() throws Exception {
        startHttp(b -> b.proxyProtocolFrom(BALANCERS), t -> t);

        String answer = exchangeWithEdge(BALANCER, "PROXY TCP4 203.0.113.7 127.0.0.1 40000 "
                + harness.httpPort() + "\r\n" + echoRequest("X-Forwarded-For: 6.6.6.6\r\n"));

        assertThat(answer).startsWith("HTTP/1.1 200 ");
        assertThat(answer.lines()).contains("h:x-forwarded-for=203.0.113.7");
        assertThat(answer).doesNotContain("6.6.6.6");
    }

    @Test
    void aBalancersV2HeaderNamesAnIpv6Client() throws Exception {
        startHttp(b -> b.proxyProtocolFrom(BALANCERS), t -> t.withForwardedHeader(true));
        byte[] header = ProxyHeaders.v2(HAProxyProxiedProtocol.TCP6, "2001:db8::7", "2001:db8::1");

        String answer = exchangeWithEdge(BALANCER, InetAddress.getByName("127.0.0.1"),
                concat(header, ascii(echoRequest(""))));

        assertThat(answer.lines()).contains("h:x-forwarded-for=2001:db8::7",
                "h:forwarded=for=\"[2001:db8::7]\";proto=http;host=" + HOST);
    }

    @Test
    void aProxyHeaderFromAnyOtherPeerIsNotTaken() throws Exception {
        startHttp(b -> b.proxyProtocolFrom(BALANCERS), t -> t);

        String answer = exchangeWithEdge(SOMEONE_ELSE, "PROXY TCP4 203.0.113.7 127.0.0.1 40000 "
                + harness.httpPort() + "\r\n" + echoRequest(""));

        assertThat(answer).startsWith("HTTP/1.1 400 ").contains("burrow-error: bad_request")
                .doesNotContain("203.0.113.7");
    }

    @Test
    void aBalancerMustSendTheHeader() throws Exception {
        startHttp(b -> b.proxyProtocolFrom(BALANCERS), t -> t);

        assertThat(exchangeWithEdge(BALANCER, echoRequest(""))).as("closed without an answer").isEmpty();
        assertThat(exchangeWithEdge(SOMEONE_ELSE, echoRequest("")))
                .as("others are served as before").startsWith("HTTP/1.1 200 ");
    }

    @Test
    void aMalformedHeaderIsClosedWithoutAnAnswer() throws Exception {
        startHttp(b -> b.proxyProtocolFrom(BALANCERS), t -> t);

        assertThat(exchangeWithEdge(BALANCER, "PROXY TCP4 203.0.113.999 127.0.0.1 40000 80\r\n"
                + echoRequest(""))).isEmpty();
    }

    @Test
    void aHeaderLongerThanTheSpecificationAllowsIsClosedWithoutAnAnswer() throws Exception {
        startHttp(b -> b.proxyProtocolFrom(BALANCERS), t -> t);

        assertThat(exchangeWithEdge(BALANCER, "PROXY TCP4 " + " ".repeat(200) + "\r\n" + echoRequest("")))
                .isEmpty();
    }

    @Test
    void aHeaderNotCompleteInTimeIsClosed() throws Exception {
        startHttp(b -> b.proxyProtocolFrom(BALANCERS).proxyProtocolTimeout(Duration.ofMillis(300)), t -> t);

        try (Socket socket = connect(BALANCER, InetAddress.getByName("127.0.0.1"), harness.httpPort())) {
            socket.getOutputStream().write(ascii("PROXY TCP4 203.0.113.7 "));
            long start = System.nanoTime();

            assertThat(readUntilClosed(socket.getInputStream())).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    // ---- PROXY protocol out of the agent, on TCP tunnels ----

    @Test
    void theAgentSendsAV1HeaderBeforeTheClientsBytes() throws Exception {
        int port = startTcp(b -> b, ProxyProtocol.V1);

        try (Socket socket = connect("127.0.0.1", InetAddress.getByName("127.0.0.1"), port)) {
            socket.getOutputStream().write(ascii("hello"));
            socket.shutdownOutput();

            assertThat(new String(readUntilClosed(socket.getInputStream()), StandardCharsets.US_ASCII))
                    .isEqualTo("PROXY TCP4 127.0.0.1 127.0.0.1 " + socket.getLocalPort() + " " + port + "\r\nhello");
        }
    }

    @Test
    void theAgentSendsAV2HeaderBeforeTheClientsBytes() throws Exception {
        int port = startTcp(b -> b, ProxyProtocol.V2);

        try (Socket socket = connect("127.0.0.1", InetAddress.getByName("127.0.0.1"), port)) {
            socket.getOutputStream().write(ascii("hello"));
            socket.shutdownOutput();
            byte[] received = readUntilClosed(socket.getInputStream());

            EmbeddedChannel reader = new EmbeddedChannel(new HAProxyMessageDecoder());
            reader.writeInbound(Unpooled.wrappedBuffer(received));
            HAProxyMessage header = reader.readInbound();
            ByteBuf rest = reader.readInbound();
            try {
                assertThat(header.proxiedProtocol()).isEqualTo(HAProxyProxiedProtocol.TCP4);
                assertThat(header.sourceAddress()).isEqualTo("127.0.0.1");
                assertThat(header.sourcePort()).isEqualTo(socket.getLocalPort());
                assertThat(header.destinationAddress()).isEqualTo("127.0.0.1");
                assertThat(header.destinationPort()).isEqualTo(port);
                assertThat(rest.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
            } finally {
                header.release();
                rest.release();
                reader.finishAndReleaseAll();
            }
        }
    }

    @Test
    void aBalancersHeaderIntoTheEdgeIsTheHeaderOutOfTheAgent() throws Exception {
        int port = startTcp(b -> b.proxyProtocolFrom(BALANCERS), ProxyProtocol.V1);
        String header = "PROXY TCP4 203.0.113.7 198.51.100.1 40000 443\r\n";

        byte[] answer = exchange(BALANCER, InetAddress.getByName("127.0.0.1"), port, ascii(header + "hello"),
                true);

        assertThat(new String(answer, StandardCharsets.US_ASCII)).isEqualTo(header + "hello");
    }

    @Test
    void aTcpTunnelFromAnotherPeerPassesAProxyHeaderOnAsBytes() throws Exception {
        int port = startTcp(b -> b.proxyProtocolFrom(BALANCERS), ProxyProtocol.OFF);
        String bytes = "PROXY TCP4 203.0.113.7 198.51.100.1 40000 443\r\nhello";

        byte[] answer = exchange(SOMEONE_ELSE, InetAddress.getByName("127.0.0.1"), port, ascii(bytes), true);

        assertThat(new String(answer, StandardCharsets.US_ASCII)).isEqualTo(bytes);
    }
}
