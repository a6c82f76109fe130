package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers on the agent port that never finish, or announce more than a handshake may hold: the edge closes them within
 * its handshake timeout, or at once.
 */
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
    void clientHelloAnnouncingAMebibyteIsClosedWithoutWaitingForIt(@TempDir Path otherDir) throws Exception {
        // A handshake timeout far longer than the wait allowed below: only the size can end this connection.
        try (TunnelHarness patient = new TunnelHarness(otherDir, b -> b.handshakeTimeout(Duration.ofSeconds(60)));
             Socket socket = new Socket("127.0.0.1", patient.edge.agentAddress().getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            // One full 16 KiB handshake record whose ClientHello (type 1) announces 1 MiB.
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
            assertThat(patient.edge.tunnels()).isEmpty();
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

    /** Reads until the edge closes, whatever alert it sends first; false if it kept the connection open. */
    private static boolean closedByPeer(InputStream in) {
        try {
            while (in.read() != -1) {
                // an alert, if any
            }
            return true;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
