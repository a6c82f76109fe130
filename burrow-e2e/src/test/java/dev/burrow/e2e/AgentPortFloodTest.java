package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.HttpTunnelOptions;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floods at the agent port, from peers that never authenticate and from a hostile agent that did ({@link FakeAgent}):
 * each is closed or told GOAWAY within a bound, and a real agent's tunnel on the same edge answers throughout.
 */
class AgentPortFloodTest {
    private static final String HOST = "app.burrow.test";
    /** Short, so that a flood of silent connections is closed well within the test's bound. */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);
    /**
     * Batches of 1,000 frames, written until the edge closes the connection: the kernel may take in tens of MB before
     * the edge has read enough to fill its send buffer and then 10,000 queued control frames. 20 million at most.
     */
    private static final int FLOOD_BATCHES = 20_000;
    /**
     * A bound on a slow, shared machine for the edge to answer a flood, not a speed check: a client that never reads
     * must first fill the edge's socket send buffer (up to 4 MiB, some 460,000 SETTINGS acknowledgements), which
     * took up to 55 s here.
     */
    private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(180);

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;

    @BeforeEach
    void setUp() throws IOException {
        harness = new TunnelHarness(dataDir, edge -> edge.handshakeTimeout(HANDSHAKE_TIMEOUT));
        upstream = new TestUpstream();
        harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app"));
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
    }

    @Test
    void aFloodOfSilentConnectionsIsClosedAtTheHandshakeTimeoutWhileTunnelsServe() throws Exception {
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                Socket socket = new Socket("127.0.0.1", harness.edge.agentAddress().getPort());
                socket.setSoTimeout((int) ANSWERED_WITHIN.toMillis());
                flood.add(socket);
            }
            assertTunnelAnswers();

            for (Socket socket : flood) {
                assertThat(readOrReset(socket.getInputStream())).as("the edge closed a silent peer").isEqualTo(-1);
            }
        } finally {
            for (Socket socket : flood) {
                socket.close();
            }
        }
        assertTunnelAnswers();
    }

    @Test
    void pingFloodFromAnAgentThatNeverReadsIsClosed() throws Exception {
        try (FakeAgent agent = notReading()) {
            assertThat(agent.hello(harness.token)).contains("\"type\":\"welcome\"");

            assertFloodCutShort(agent.h2, RawHttp2.encode(RawHttp2.PING, 0, 0, new byte[8]));
        }
        assertTunnelAnswers();
    }

    @Test
    void settingsFloodFromAnAgentThatNeverReadsIsClosed() throws Exception {
        try (FakeAgent agent = notReading()) {
            assertThat(agent.hello(harness.token)).contains("\"type\":\"welcome\"");

            assertFloodCutShort(agent.h2, RawHttp2.encode(RawHttp2.SETTINGS, 0, 0, new byte[0]));
        }
        assertTunnelAnswers();
    }

    @Test
    void continuationFloodOnTheControlStreamGetsEnhanceYourCalm() throws Exception {
        try (FakeAgent agent = new FakeAgent(harness.edge.agentAddress().getPort())) {
            assertThat(agent.hello(harness.token)).contains("\"type\":\"welcome\"");
            byte[] trailers = agent.h2.headerBlock(agent.control, new DefaultHttp2Headers().add("x-end", "now"));

            // Trailers that never end: one byte of the block per frame, 10,000 frames, far past Netty's 16.
            agent.h2.frame(RawHttp2.HEADERS, 0x1, agent.control, new byte[] {trailers[0]});
            byte[] tiny = RawHttp2.encode(RawHttp2.CONTINUATION, 0, agent.control, new byte[] {trailers[1]});
            try {
                agent.h2.write(repeat(tiny, 10_000));
            } catch (IOException e) {
                // The edge closed the connection while the flood went on: what a flood should get.
            }

            RawHttp2.Frame goAway = agent.h2.await(f -> f.type() == RawHttp2.GOAWAY);
            assertThat(Http2Error.valueOf(goAway.errorCode())).isEqualTo(Http2Error.ENHANCE_YOUR_CALM);
            assertThat(agent.h2.closedByEdge()).isTrue();
        }
        assertTunnelAnswers();
    }

    /**
     * Writes {@code frame} up to {@link #FLOOD_BATCHES} thousand times from another thread, never reading the
     * answers, while the real agent's tunnel answers; the edge must close the connection before the flood is all
     * written.
     */
    private void assertFloodCutShort(RawHttp2 flooder, byte[] frame) throws Exception {
        byte[] batch = repeat(frame, 1000);
        CompletableFuture<Integer> flood = CompletableFuture.supplyAsync(() -> {
            int written = 0;
            try {
                while (written < FLOOD_BATCHES) {
                    flooder.write(batch);
                    written++;
                }
            } catch (IOException e) {
                // The edge closed the connection while the flood went on: what a flood should get.
            }
            return written;
        });
        assertTunnelAnswers();

        await().atMost(ANSWERED_WITHIN).until(flood::isDone);
        assertThat(flood.join()).as("batches written before the edge closed").isLessThan(FLOOD_BATCHES);
        assertThat(flooder.closedByEdge()).isTrue();
    }

    /** A hostile agent whose small receive buffer fills soon once it stops reading. */
    private FakeAgent notReading() throws IOException {
        return new FakeAgent(RawHttp2.agent(RawHttp2.tlsOver(RawHttp2.connectWithReceiveBuffer(
                harness.edge.agentAddress().getPort(), 64 * 1024))));
    }

    private static byte[] repeat(byte[] frame, int times) {
        byte[] frames = new byte[frame.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(frame, 0, frames, i * frame.length, frame.length);
        }
        return frames;
    }

    /** One read: a byte, or -1 at the end of the stream; a reset is the end too. */
    private static int readOrReset(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketException e) {
            return -1;
        }
    }

    /** The real agent's tunnel answers a plain request. */
    private void assertTunnelAnswers() throws Exception {
        HttpResponse<String> response = harness.get(HOST, "/during");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello from upstream /during");
    }
}
