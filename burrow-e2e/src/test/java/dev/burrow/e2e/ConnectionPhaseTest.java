package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.TcpTunnelOptions;
import dev.burrow.edge.PortRange;
import dev.burrow.edge.policy.ConnectionPhase;
import dev.burrow.edge.policy.PolicyPhases;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection phase of a TCP tunnel end to end: a real edge and agent, raw client sockets from two loopback
 * addresses, and an echo service that counts the connections it gets. The phase decides on another thread: it refuses
 * 127.0.0.2, fails for 127.0.0.3, and allows anyone else.
 */
class ConnectionPhaseTest {
    private static final int READ_TIMEOUT_MS = 20_000;

    @TempDir
    Path dataDir;
    private TunnelHarness harness;
    private LoopbackServer echo;
    private final AtomicInteger upstreamConnections = new AtomicInteger();
    /** The clients the phase was asked about, in order. */
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final ExecutorService policyThreads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "policy-test");
        thread.setDaemon(true);
        return thread;
    });

    private final ConnectionPhase byAddress = (tunnel, client) -> {
        String address = client.getAddress().getHostAddress();
        asked.add(address);
        return CompletableFuture.supplyAsync(() -> switch (address) {
            case "127.0.0.2" -> ConnectionPhase.Decision.REFUSE;
            case "127.0.0.3" -> throw new IllegalStateException("address list unreachable");
            default -> ConnectionPhase.Decision.ALLOW;
        }, policyThreads);
    };

    @BeforeEach
    void setUp() throws IOException {
        PortRange ports = TcpTunnelTest.freeRange(2);
        harness = new TunnelHarness(dataDir, b -> b.tcpPorts(ports), PolicyPhases.NONE.withConnection(byAddress));
        echo = new LoopbackServer("echo-upstream", socket -> {
            upstreamConnections.incrementAndGet();
            InputStream in = socket.getInputStream();
            int b;
            while ((b = in.read()) != -1) {
                socket.getOutputStream().write(b);
            }
        });
    }

    @AfterEach
    void tearDown() throws IOException {
        harness.close();
        echo.close();
        policyThreads.shutdownNow();
    }

    private static Socket connectFrom(String address, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(address, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return socket;
    }

    /**
     * The connection from {@code address} is reset: at its first read, or, when the edge decides at once, while the
     * client is still completing its connect.
     */
    private static void assertReset(String address, int port) {
        assertThatThrownBy(() -> {
            try (Socket refused = connectFrom(address, port)) {
                refused.getInputStream().read();
            }
        }).isInstanceOf(SocketException.class);
    }

    @Test
    void aRefusedClientIsResetAndNeverReachesTheUpstreamWhileAnAllowedOneDoes() throws Exception {
        AgentTunnel tunnel = harness.startAgent().tcp(TcpTunnelOptions.to(Integer.toString(echo.port())));

        // A plain end would look like the service closing the connection; a reset says it was refused.
        assertReset("127.0.0.2", tunnel.port());
        try (Socket allowed = connectFrom("127.0.0.1", tunnel.port())) {
            allowed.getOutputStream().write('x');
            assertThat(allowed.getInputStream().read()).isEqualTo('x');
        }

        assertThat(asked).containsExactly("127.0.0.2", "127.0.0.1");
        assertThat(upstreamConnections).as("only the allowed connection reached the service").hasValue(1);
    }

    @Test
    void aDecisionThatFailsRefusesTheConnection() throws Exception {
        AgentTunnel tunnel = harness.startAgent().tcp(TcpTunnelOptions.to(Integer.toString(echo.port())));

        assertReset("127.0.0.3", tunnel.port());

        assertThat(upstreamConnections).hasValue(0);
    }
}
