package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentListener;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many requests open on one tunnel at once: clients that leave in numbers, and a tunnel at its stream limit. */
class ManyStreamsTest {
    @TempDir
    Path dataDir;
    TunnelHarness harness;
    HoldingUpstream upstream;

    @BeforeEach
    void setUp() throws IOException {
        harness = new TunnelHarness(dataDir);
        upstream = new HoldingUpstream();
    }

    @AfterEach
    void tearDown() throws IOException {
        harness.close();
        upstream.close();
    }

    @Test
    void hundredsOfClientsLeavingMidRequestDoNotCutTheTunnel() throws Exception {
        AtomicInteger disconnects = new AtomicInteger();
        Agent agent = harness.startAgent(harness.agentBuilder().reconnect(false).listener(new AgentListener() {
            @Override
            public void disconnected(String reason) {
                disconnects.incrementAndGet();
            }
        }));
        AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));
        int clients = 300;
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), harness.httpPort());
                sockets.add(socket);
                socket.getOutputStream().write(("GET /hold HTTP/1.1\r\nHost: " + tunnel.hostname() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> upstream.held.get() == clients);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        // Each departure resets its stream; the agent then closes that upstream connection.
        await().atMost(Duration.ofSeconds(30)).until(() -> upstream.released.get() == clients);

        HttpResponse<String> response = harness.get(tunnel.hostname(), "/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
        assertThat(disconnects).hasValue(0);
    }

    @Test
    void requestBeyondTheAgentsStreamLimitGets503TunnelBusy() throws Exception {
        // Three streams: the control stream and two requests.
        Agent agent = harness.startAgent(harness.agentBuilder().maxStreams(3));
        AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));
        List<Socket> holding = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), harness.httpPort());
                holding.add(socket);
                socket.getOutputStream().write(("GET /hold HTTP/1.1\r\nHost: " + tunnel.hostname() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.held.get() == 2);

            HttpResponse<String> busy = harness.get(tunnel.hostname(), "/");

            assertThat(busy.statusCode()).isEqualTo(503);
            assertThat(busy.headers().firstValue("Burrow-Error")).hasValue("tunnel_busy");
            assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(busy.body()).contains("Tunnel busy");
        } finally {
            for (Socket socket : holding) {
                socket.close();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.released.get() == 2);

        assertThat(harness.get(tunnel.hostname(), "/").statusCode()).isEqualTo(200);
    }

    /**
     * An upstream that holds {@code /hold} open without answering and counts when the agent closes such a
     * connection; it answers anything else with "ok".
     */
    private static final class HoldingUpstream implements AutoCloseable {
        private final LoopbackServer server = new LoopbackServer("holding-upstream", this::serve);
        final AtomicInteger held = new AtomicInteger();
        final AtomicInteger released = new AtomicInteger();

        HoldingUpstream() throws IOException {
        }

        int port() {
            return server.port();
        }

        private void serve(Socket socket) throws IOException {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                if (head.startsWith("GET /hold ")) {
                    held.incrementAndGet();
                    while (in.read() >= 0) {
                        // Nothing more is expected; the agent closing the connection ends the wait.
                    }
                    released.incrementAndGet();
                    return;
                }
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }

        /** The request head up to its blank line, or null at end of stream. */
        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                head.append((char) b);
                if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    return head.toString();
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
