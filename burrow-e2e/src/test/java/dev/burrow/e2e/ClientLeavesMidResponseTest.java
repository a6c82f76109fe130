package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A public client that leaves while its response is still coming: the edge resets the stream to the agent and the
 * agent closes its connection to the upstream, so an upstream serving a long download stops at once; the tunnel
 * serves on.
 */
class ClientLeavesMidResponseTest {
    /** Far more than every buffer between the upstream and the client holds. */
    private static final long ENDLESS = 1L << 40;

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    StreamingUpstream upstream;
    AgentTunnel tunnel;

    @BeforeEach
    void setUp() throws IOException {
        harness = new TunnelHarness(dataDir);
        upstream = new StreamingUpstream();
        tunnel = harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(upstream.port())));
    }

    @AfterEach
    void tearDown() throws IOException {
        harness.close();
        upstream.close();
    }

    @Test
    void anHttp1ClientThatLeavesMidBodyEndsTheUpstreamConnection() throws Exception {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), harness.httpPort())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write(("GET /stream HTTP/1.1\r\nHost: " + tunnel.hostname() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();
            assertThat(new String(in.readNBytes(15), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 OK");
            assertThat(in.readNBytes(256 * 1024)).hasSize(256 * 1024);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.ended.get() == 1);
        assertThat(harness.get(tunnel.hostname(), "/").body()).isEqualTo("ok");
    }

    @Test
    void anHttp2ClientThatResetsItsStreamMidBodyEndsTheUpstreamConnection() throws Exception {
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, new DefaultHttp2Headers().method("GET").scheme("http").authority(tunnel.hostname())
                    .path("/stream"), true);
            assertThat(client.awaitHeaders(1).status()).hasToString("200");
            client.await(f -> f.type() == RawHttp2.DATA && f.streamId() == 1);

            client.reset(1, Http2Error.CANCEL);

            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.ended.get() == 1);
            client.headers(3, new DefaultHttp2Headers().method("GET").scheme("http").authority(tunnel.hostname())
                    .path("/"), true);
            assertThat(client.awaitHeaders(3).status()).hasToString("200");
        }
    }

    /**
     * Answers {@code /stream} with a body it writes until a write fails, counting each such end, and anything else
     * with "ok".
     */
    private static final class StreamingUpstream implements AutoCloseable {
        private final LoopbackServer server = new LoopbackServer("streaming-upstream", this::serve);
        final AtomicInteger ended = new AtomicInteger();

        StreamingUpstream() throws IOException {
        }

        int port() {
            return server.port();
        }

        private void serve(Socket socket) throws IOException {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            String head;
            while ((head = readHead(in)) != null) {
                if (head.startsWith("GET /stream ")) {
                    stream(out);
                    return;
                }
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }

        private void stream(OutputStream out) {
            byte[] chunk = new byte[64 * 1024];
            try {
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + ENDLESS + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                for (long sent = 0; sent < ENDLESS; sent += chunk.length) {
                    out.write(chunk);
                }
            } catch (IOException closedByTheAgent) {
                ended.incrementAndGet();
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
