package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.TcpTunnelOptions;
import dev.burrow.edge.PortRange;
import dev.burrow.edge.TestCa;
import dev.burrow.edge.proxy.Cidr;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle connections beyond the per-address or the global cap are closed at once, on every public listener and on the
 * agent port; the ones within it keep working, and a place freed by a close is taken again.
 */
class ConnectionLimitTest {
    @TempDir
    Path dataDir;

    @Test
    void connectionsOverThePerAddressCapAreClosedAndOthersStillServed() throws Exception {
        try (TunnelHarness harness = new TunnelHarness(dataDir, b -> b.maxPublicConnections(100, 3))) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket socket = new Socket("127.0.0.1", harness.httpPort());
                    held.add(socket);
                    // An answer proves the edge has accepted and counted this connection.
                    assertThat(statusOf(socket)).isEqualTo("HTTP/1.1 404");
                }

                try (Socket over = new Socket("127.0.0.1", harness.httpPort())) {
                    over.setSoTimeout(10_000);
                    assertThat(over.getInputStream().read()).isEqualTo(-1);
                }
                assertThat(statusOf(held.get(0))).isEqualTo("HTTP/1.1 404");
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void behindALoadBalancerThePerAddressCapCountsTheClientsItNames() throws Exception {
        try (TunnelHarness harness = new TunnelHarness(dataDir, b -> b.maxPublicConnections(100, 2)
                .proxyProtocolFrom(List.of(Cidr.parse("127.0.0.1/32"))))) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    held.add(viaBalancer(harness, "203.0.113.7"));
                    assertThat(statusOf(held.get(i))).isEqualTo("HTTP/1.1 404");
                }

                try (Socket over = viaBalancer(harness, "203.0.113.7")) {
                    over.setSoTimeout(10_000);
                    assertThat(over.getInputStream().read()).isEqualTo(-1);
                }
                try (Socket other = viaBalancer(harness, "203.0.113.8")) {
                    assertThat(statusOf(other)).as("another client behind the same balancer").isEqualTo("HTTP/1.1 404");
                }
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void agentPortConnectionsOverThePerAddressCapAreClosedBeforeTheirHandshake() throws Exception {
        try (TunnelHarness harness = new TunnelHarness(dataDir, b -> b.maxAgentConnections(100, 2))) {
            Agent first = harness.startAgent();
            first.http(HttpTunnelOptions.to("9"));
            harness.startAgent().http(HttpTunnelOptions.to("9"));

            try (Socket over = new Socket("127.0.0.1", harness.edge.agentAddress().getPort())) {
                // Well before the 10 s handshake timeout, which would close it too.
                over.setSoTimeout(3_000);
                assertThat(over.getInputStream().read()).isEqualTo(-1);
            }

            first.close();
            AgentTunnel third = harness.startAgent().http(HttpTunnelOptions.to("9"));
            assertThat(harness.edge.tunnels()).as("the place the first agent freed").hasSize(2)
                    .anySatisfy(tunnel -> assertThat(tunnel.url()).isEqualTo(third.url()));
        }
    }

    @Test
    void connectionsOverTheTotalCapAreClosedUntilOneEnds() throws Exception {
        try (TunnelHarness harness = new TunnelHarness(dataDir, b -> b.maxPublicConnections(3, 100))) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket socket = new Socket("127.0.0.1", harness.httpPort());
                    held.add(socket);
                    assertThat(statusOf(socket)).isEqualTo("HTTP/1.1 404");
                }

                try (Socket over = new Socket("127.0.0.1", harness.httpPort())) {
                    over.setSoTimeout(10_000);
                    assertThat(over.getInputStream().read()).isEqualTo(-1);
                }
                held.remove(0).close();

                // The cap frees its place once the edge has seen the close.
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
                    try (Socket next = new Socket("127.0.0.1", harness.httpPort())) {
                        assertThat(statusOf(next)).isEqualTo("HTTP/1.1 404");
                    }
                });
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aFloodPastTheGlobalCapIsClosedOnEveryPublicListenerAndServedOnceItEnds() throws Exception {
        TestCa ca = new TestCa("Burrow test CA");
        ca.issue("burrow.test", "*.burrow.test").write(dataDir.resolve("cert.pem"), dataDir.resolve("key.pem"));
        PortRange tcpPorts = TcpTunnelTest.freeRange(1);
        try (TunnelHarness harness = new TunnelHarness(dataDir.resolve("edge"), b -> b.maxPublicConnections(3, 100)
                .httpsAddress(new InetSocketAddress("127.0.0.1", 0))
                .publicCertificate(dataDir.resolve("cert.pem"), dataDir.resolve("key.pem"))
                .tlsAddress(new InetSocketAddress("127.0.0.1", 0))
                .tcpPorts(tcpPorts))) {
            // Nothing listens behind it: a connection over the cap is closed before the tunnel is asked for anything.
            int tcpPort = harness.startAgent().tcp(TcpTunnelOptions.to("1")).port();
            int[] listeners = {harness.httpPort(), harness.edge.httpsAddress().getPort(),
                    harness.edge.tlsAddress().getPort(), tcpPort};
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket socket = new Socket("127.0.0.1", harness.httpPort());
                    held.add(socket);
                    assertThat(statusOf(socket)).isEqualTo("HTTP/1.1 404");
                }

                // 200 connections over the cap, spread over the four public listeners: each is closed at once.
                for (int i = 0; i < 200; i++) {
                    try (Socket over = new Socket("127.0.0.1", listeners[i % listeners.length])) {
                        over.setSoTimeout(10_000);
                        assertThat(readOrReset(over)).as("connection %d over the cap", i).isEqualTo(-1);
                    }
                }
                assertThat(statusOf(held.get(0))).isEqualTo("HTTP/1.1 404");

                held.remove(2).close();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    try (Socket again = new Socket("127.0.0.1", harness.httpPort())) {
                        assertThat(statusOf(again)).isEqualTo("HTTP/1.1 404");
                    }
                });
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aFloodPastTheCapOnATcpTunnelNeverReachesItsUpstream() throws Exception {
        AtomicInteger reached = new AtomicInteger();
        PortRange tcpPorts = TcpTunnelTest.freeRange(1);
        try (LoopbackServer upstream = new LoopbackServer("counting-upstream", socket -> {
            reached.incrementAndGet();
            socket.getInputStream().transferTo(socket.getOutputStream());
        }); TunnelHarness harness = new TunnelHarness(dataDir, b -> b.maxPublicConnections(100, 2)
                .tcpPorts(tcpPorts))) {
            int port = harness.startAgent().tcp(TcpTunnelOptions.to(Integer.toString(upstream.port()))).port();
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket socket = new Socket("127.0.0.1", port);
                    socket.setSoTimeout(10_000);
                    held.add(socket);
                    socket.getOutputStream().write('x');
                    assertThat(socket.getInputStream().read()).isEqualTo('x');
                }

                for (int i = 0; i < 200; i++) {
                    try (Socket over = new Socket("127.0.0.1", port)) {
                        over.setSoTimeout(10_000);
                        assertThat(readOrReset(over)).as("connection %d over the cap", i).isEqualTo(-1);
                    }
                }
                // A connection over the cap is closed before the tunnel is asked for anything: no stream to the
                // agent, no connection to the upstream.
                assertThat(reached).hasValue(2);
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    /** One read: a byte, or -1 at the end of the stream; a reset is the end too. */
    private static int readOrReset(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read();
        } catch (SocketException e) {
            return -1;
        }
    }

    /** A connection from the load balancer, opened with a PROXY header for {@code client}. */
    private static Socket viaBalancer(TunnelHarness harness, String client) throws Exception {
        Socket socket = new Socket("127.0.0.1", harness.httpPort());
        socket.getOutputStream().write(("PROXY TCP4 " + client + " 127.0.0.1 40000 " + harness.httpPort() + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    private static String statusOf(Socket socket) throws Exception {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: none.burrow.test\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        byte[] head = socket.getInputStream().readNBytes(12);
        // Drain the rest of the small page so the next exchange starts clean.
        byte[] rest = new byte[4096];
        int available;
        do {
            available = socket.getInputStream().read(rest);
        } while (available > 0 && !new String(rest, 0, available, StandardCharsets.UTF_8).contains("</html>"));
        return new String(head, StandardCharsets.US_ASCII);
    }
}
