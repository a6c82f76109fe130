package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.proxy.Cidr;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idle public connections beyond the per-address cap are closed at once; the ones within it keep working. */
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
