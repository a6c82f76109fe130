package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies larger than the whole heap pass through edge and agent in both directions: neither side buffers a body.
 * The test JVM runs edge, agent, upstream and client together under a heap cap smaller than one body.
 */
class StreamingTest {
    private static final long ONE_GIB = 1024L * 1024 * 1024;
    /** A bound on a slow machine, not a speed check: the answer to an upload only comes once it is all sent. */
    private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;
    AgentTunnel tunnel;

    @BeforeEach
    void setUp() throws Exception {
        harness = new TunnelHarness(dataDir);
        upstream = new TestUpstream();
        Agent agent = harness.startAgent();
        tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
    }

    @Test
    void oneGibDownloadStreamsWithinAHeapSmallerThanTheBody() throws Exception {
        assertThat(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax()).isLessThan(ONE_GIB);

        HttpResponse<InputStream> response = harness.client.send(
                harness.request(tunnel.hostname(), "/bytes/" + ONE_GIB).timeout(TRANSFER_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).isEqualTo(200);
        long total = 0;
        long mismatches = 0;
        byte[] buf = new byte[256 * 1024];
        try (InputStream body = response.body()) {
            int n;
            while ((n = body.read(buf)) != -1) {
                for (int i = 0; i < n; i += 4099) {
                    // The upstream's pattern is byte (offset mod 64 KiB): spot-check it survived the trip.
                    if (buf[i] != (byte) ((total + i) % (64 * 1024))) {
                        mismatches++;
                    }
                }
                total += n;
            }
        }
        assertThat(total).isEqualTo(ONE_GIB);
        assertThat(mismatches).isZero();
    }

    @Test
    void clientsThatStopReadingDoNotHoldUpTheRestOfTheTunnel() throws Exception {
        // Together the stalled downloads could fill the agent connection's shared window one and a half times over.
        int stalled = 24;
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < stalled; i++) {
                Socket socket = new Socket();
                socket.setReceiveBufferSize(4096);
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), harness.httpPort()));
                sockets.add(socket);
                socket.getOutputStream().write(("GET /bytes/" + ONE_GIB + " HTTP/1.1\r\nHost: " + tunnel.hostname()
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> upstream.downloadsStarted.get() == stalled);

            long size = 64L * 1024 * 1024;
            // Well under the edge's idle timeout (120 s), which would end the stalled connections by itself.
            HttpResponse<byte[]> response = harness.client.send(
                    harness.request(tunnel.hostname(), "/bytes/" + size).timeout(Duration.ofSeconds(60)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).hasSize((int) size);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void oneGibChunkedUploadStreamsWithinAHeapSmallerThanTheBody() throws Exception {
        HttpResponse<String> response = harness.client.send(
                harness.request(tunnel.hostname(), "/count")
                        .timeout(TRANSFER_TIMEOUT)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(ONE_GIB)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(Long.toString(ONE_GIB));
    }

    /** N bytes generated on the fly, never held. */
    private static final class PatternStream extends InputStream {
        private long left;

        PatternStream(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return (int) (left & 0x7f);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) i;
            }
            left -= n;
            return n;
        }
    }
}
