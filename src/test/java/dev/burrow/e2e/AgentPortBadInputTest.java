package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Peers on the agent port that never finish: the edge closes them within its handshake timeout. */
class AgentPortBadInputTest {
    @TempDir
    Path dataDir;
    TunnelHarness harness;

    @BeforeEach
    void setUp() {
        harness = new TunnelHarness(dataDir, b -> b.handshakeTimeout(Duration.ofMillis(500)));
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void silentTcpPeerIsClosedAfterTheHandshakeTimeout() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", harness.edge.agentAddress().getPort())) {
            socket.setSoTimeout(10_000);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void plaintextHttpOnTheAgentPortIsClosed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", harness.edge.agentAddress().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            byte[] all = socket.getInputStream().readAllBytes();
            assertThat(new String(all)).doesNotContain("HTTP/1.1 200");
        }
    }

    @Test
    void tlsPeerThatNeverAuthenticatesIsClosedAfterTheTimeout() throws Exception {
        try (SSLSocket socket = RawHttp2.tlsToAgentPort(harness.edge.agentAddress().getPort())) {
            // The edge speaks first (HTTP/2 preface, the control stream) and then, hearing no hello, closes.
            byte[] everything = socket.getInputStream().readAllBytes();
            assertThat(everything).isNotEmpty();
        }
        assertThat(harness.edge.tunnels()).isEmpty();
    }
}
