package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.TcpTunnelOptions;
import dev.burrow.edge.PortRange;
import dev.burrow.protocol.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TCP tunnels end to end: raw sockets through a real edge and agent to a real local TCP service. */
class TcpTunnelTest {
    /** A bound on a slow machine for one read, not a speed check. */
    private static final int READ_TIMEOUT_MS = 20_000;

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    PortRange ports;
    LoopbackServer echo;

    @BeforeEach
    void setUp() throws IOException {
        ports = freeRange(4);
        harness = new TunnelHarness(dataDir, edge -> edge.tcpPorts(ports));
        echo = new LoopbackServer("echo-upstream", TcpTunnelTest::echo);
    }

    @AfterEach
    void tearDown() throws IOException {
        harness.close();
        echo.close();
    }

    @Test
    void bytesGoBothWaysUntouchedAndTheUrlNamesTheEdgesPort() throws Exception {
        AgentTunnel tunnel = harness.startAgent().tcp(TcpTunnelOptions.to(Integer.toString(echo.port())));

        assertThat(tunnel.port()).isBetween(ports.first(), ports.last());
        assertThat(tunnel.url()).isEqualTo("tcp://burrow.test:" + tunnel.port());
        assertThat(tunnel.hostname()).isNull();
        byte[] sent = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(sent);
        try (Socket socket = connect(tunnel.port())) {
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    socket.getOutputStream().write(sent);
                    socket.getOutputStream().flush();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] received = socket.getInputStream().readNBytes(sent.length);
            writing.get();

            assertThat(Arrays.equals(received, sent)).as("echoed bytes equal the sent ones").isTrue();
        }
    }

    @Test
    void halfCloseIsCarriedEachWay() throws Exception {
        AgentTunnel tunnel = harness.startAgent().tcp(TcpTunnelOptions.to(Integer.toString(echo.port())));

        try (Socket socket = connect(tunnel.port())) {
            socket.getOutputStream().write("count me".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            // The echo server answers a FIN with its count, then its own FIN.
            byte[] answer = socket.getInputStream().readAllBytes();

            assertThat(new String(answer, StandardCharsets.US_ASCII)).isEqualTo("count me|8 bytes");
        }
    }

    @Test
    void anUpstreamThatRefusesClosesThePublicConnectionAtOnce() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        AgentTunnel tunnel = harness.startAgent().tcp(TcpTunnelOptions.to(Integer.toString(closedPort)));

        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress("127.0.0.1", tunnel.port()), READ_TIMEOUT_MS);
                socket.setSoTimeout(READ_TIMEOUT_MS);
                assertThat(readOrReset(socket.getInputStream())).isEqualTo(-1);
            } catch (SocketException e) {
                // On a busy machine the edge's reset can come before the connect call has returned: closed at once.
                assertThat(e.getMessage()).contains("reset");
            }
        }
        // The tunnel itself stays up for the next connection.
        assertThat(harness.edge.tunnels()).hasSize(1);
    }

    @Test
    void aDrainingEdgeCutsAnOpenConnectionWithAReset() throws Exception {
        AgentTunnel tunnel = harness.startAgent(harness.agentBuilder().reconnect(false))
                .tcp(TcpTunnelOptions.to(Integer.toString(echo.port())));

        try (Socket socket = connect(tunnel.port())) {
            socket.getOutputStream().write('x');
            assertThat(socket.getInputStream().read()).isEqualTo('x');

            harness.edge.drain(Duration.ofSeconds(5));

            // A plain end would look like the service closing the connection; a reset says it was cut.
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketException.class);
        }
    }

    @Test
    void aRequestedPortIsGivenAndRefusedToASecondTunnel() throws Exception {
        int wanted = ports.last();
        AgentTunnel first = harness.startAgent().tcp(TcpTunnelOptions.to(Integer.toString(echo.port()))
                .withRemotePort(wanted));
        Agent other = harness.startAgent();

        assertThat(first.port()).isEqualTo(wanted);
        assertThatThrownBy(() -> other.tcp(TcpTunnelOptions.to(Integer.toString(echo.port()))
                .withRemotePort(wanted)))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PORT_TAKEN);
                    assertThat(e.getMessage()).contains("port " + wanted + " is already in use");
                });
    }

    @Test
    void aPortOutsideTheRangeIsRefusedClearly() {
        Agent agent = harness.startAgent();
        int outside = ports.last() + 1;

        assertThatThrownBy(() -> agent.tcp(TcpTunnelOptions.to(Integer.toString(echo.port()))
                .withRemotePort(outside)))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PORT_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("outside this edge's range").contains(ports.toString());
                });
    }

    @Test
    void aPortAnotherProgramHoldsIsSkippedOrRefused() throws Exception {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress("127.0.0.1", ports.first()));
            Agent agent = harness.startAgent();

            assertThatThrownBy(() -> agent.tcp(TcpTunnelOptions.to(Integer.toString(echo.port()))
                    .withRemotePort(ports.first())))
                    .isInstanceOfSatisfying(AgentException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.PORT_TAKEN));
            for (int i = 1; i < ports.size(); i++) {
                assertThat(agent.tcp(TcpTunnelOptions.to(Integer.toString(echo.port()))).port())
                        .isNotEqualTo(ports.first());
            }
            assertThatThrownBy(() -> agent.tcp(TcpTunnelOptions.to(Integer.toString(echo.port()))))
                    .isInstanceOfSatisfying(AgentException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.PORT_UNAVAILABLE);
                        assertThat(e.getMessage()).contains("no free port left");
                    });
        }
    }

    @Test
    void closingTheTunnelStopsItsPortListening() throws Exception {
        AgentTunnel tunnel = harness.startAgent().tcp(TcpTunnelOptions.to(Integer.toString(echo.port())));
        int port = tunnel.port();

        tunnel.close();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThatThrownBy(() -> connect(port).close()).isInstanceOf(ConnectException.class));
    }

    @Test
    void anEdgeWithoutAPortRangeRefusesTcpTunnels() throws Exception {
        try (TunnelHarness httpOnly = new TunnelHarness(dataDir.resolve("http-only"))) {
            Agent agent = httpOnly.startAgent();

            assertThatThrownBy(() -> agent.tcp(TcpTunnelOptions.to(Integer.toString(echo.port()))))
                    .isInstanceOfSatisfying(AgentException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.TUNNEL_TYPE_UNAVAILABLE);
                        assertThat(e.getMessage()).contains("does not serve tcp tunnels");
                    });
        }
    }

    @Test
    void theTunnelKeepsItsPortAcrossAnEdgeRestart() throws Exception {
        AgentTunnel tunnel = harness.startAgent().tcp(TcpTunnelOptions.to(Integer.toString(echo.port())));
        int port = tunnel.port();

        harness.restartEdge();

        await().atMost(Duration.ofSeconds(15)).until(() -> harness.edge.tunnels().size() == 1);
        assertThat(tunnel.port()).isEqualTo(port);
        try (Socket socket = connect(port)) {
            socket.getOutputStream().write("again".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("again|5 bytes");
        }
    }

    @Test
    void theEdgesPerAddressConnectionCapAppliesToTcpTunnels() throws Exception {
        PortRange capped = freeRange(1);
        try (TunnelHarness edge = new TunnelHarness(dataDir.resolve("capped"),
                settings -> settings.tcpPorts(capped).maxPublicConnections(100, 2))) {
            AgentTunnel tunnel = edge.startAgent().tcp(TcpTunnelOptions.to(Integer.toString(echo.port())));
            try (Socket first = connect(tunnel.port()); Socket second = connect(tunnel.port())) {
                for (Socket open : new Socket[] {first, second}) {
                    open.getOutputStream().write('x');
                    assertThat(open.getInputStream().read()).isEqualTo('x');
                }

                try (Socket third = connect(tunnel.port())) {
                    assertThat(readOrReset(third.getInputStream())).isEqualTo(-1);
                }
            }
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return socket;
    }

    /** One read: a byte, or -1 at end of stream; a reset counts as the end too. */
    private static int readOrReset(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketException e) {
            return -1;
        }
    }

    /** A range of {@code size} ports on 127.0.0.1 that were free a moment ago. */
    static PortRange freeRange(int size) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                first = probe.getLocalPort();
            }
            if (first + size - 1 > 65535) {
                continue;
            }
            boolean free = true;
            for (int port = first; port < first + size && free; port++) {
                try (ServerSocket probe = new ServerSocket()) {
                    probe.bind(new InetSocketAddress("127.0.0.1", port));
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return new PortRange(first, first + size - 1);
            }
        }
        throw new IOException("no free range of " + size + " ports");
    }

    /**
     * Echoes what it reads; when the client ends its side, it writes {@code |N bytes} with the count it read and
     * closes: so half-close shows in what the client reads.
     */
    private static void echo(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] buf = new byte[64 * 1024];
        long count = 0;
        int n;
        while ((n = in.read(buf)) != -1) {
            out.write(buf, 0, n);
            count += n;
        }
        out.write(("|" + count + " bytes").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
