package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floods of HTTP/1.1 from one public client: thousands of tiny requests pipelined at once, and a client that asks for
 * a large answer and never reads it. Each gets a bounded answer (the connection closed), and another tunnel on the same edge answers
 * throughout. (Slow writers, whose request line, headers or body dribble in, are {@link PublicHttpBadInputTest}'s.)
 */
class PublicHttpFloodTest {
    private static final String HOST = "app.burrow.test";
    private static final String NEIGHBOUR = "other.burrow.test";
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    /** A bound on a slow, shared machine for the edge to answer a flood, not a speed check. */
    private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;
    AdminClient admin;

    @BeforeEach
    void setUp() throws IOException {
        harness = new TunnelHarness(dataDir, edge -> AdminClient.listening(settings -> settings)
                .apply(edge.idleTimeout(IDLE_TIMEOUT)));
        admin = new AdminClient(harness.edge.adminAddress());
        upstream = new TestUpstream();
        Agent agent = harness.startAgent();
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app"));
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("other"));
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
    }

    @Test
    void twoThousandTinyPipelinedRequestsAreAnsweredInOrderUntilTheDepthLimitClosesTheConnection() throws Exception {
        int count = 2000;
        StringBuilder flood = new StringBuilder();
        for (int i = 0; i < count; i++) {
            flood.append("GET /n").append(i).append(" HTTP/1.1\r\nHost: ").append(HOST).append("\r\n\r\n");
        }
        String answers;
        try (RawHttp1 flooder = RawHttp1.connect(harness.httpPort())) {
            // Written from another thread while this one reads: the edge reads a connection's requests as it answers
            // them, so a writer that got ahead waits on TCP.
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    flooder.send(flood.toString());
                } catch (IOException e) {
                    // The edge closed the connection while the flood went on.
                }
            });
            assertNeighbourAnswers();
            answers = textUntilTheEnd(flooder.input());
            written.get();
        }

        // More than MAX_PIPELINE_DEPTH (128) requests waiting in one connection close it: those answered before
        // came in order, and RFC 9112 section 9.3.2 has the client retry the rest on a new connection.
        Matcher answered = Pattern.compile("hello from upstream /n(\\d+)").matcher(answers);
        int next = 0;
        while (answered.find()) {
            assertThat(Integer.parseInt(answered.group(1))).as("answers in the order asked").isEqualTo(next++);
        }
        assertThat(next).as("answered before the edge closed").isLessThan(count);
    }

    @Test
    void aClientThatNeverReadsALargeAnswerIsClosedAtTheIdleTimeout() throws Exception {
        long size = 1L << 30;
        try (RawHttp1 reader = RawHttp1.connect(harness.httpPort())) {
            reader.send("GET /bytes/" + size + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
            await().atMost(ANSWERED_WITHIN).until(() -> upstream.downloadsStarted.get() == 1);
            assertNeighbourAnswers();

            // Nothing the edge writes completes while the client reads nothing: that is idleness too.
            await().atMost(ANSWERED_WITHIN).until(() -> openPublicConnections() == 0);
            assertThat(bytesUntilTheEnd(reader.input())).isLessThan(size);
        }
        assertNeighbourAnswers();
    }

    /** Reads what the edge wrote before it closed, to the end of the stream (or a reset). */
    private static long bytesUntilTheEnd(InputStream in) throws IOException {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                total += n;
            }
        } catch (SocketException reset) {
            // A reset connection ended too.
        }
        return total;
    }

    /** As {@link #bytesUntilTheEnd}, keeping the bytes as text. */
    private static String textUntilTheEnd(InputStream in) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                text.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // A reset connection ended too.
        }
        return text.toString(StandardCharsets.ISO_8859_1);
    }

    private double openPublicConnections() throws Exception {
        return new PrometheusText(admin.get("/metrics").body()).value("burrow_edge_public_connections");
    }

    /** Another tunnel on the same edge answers a plain request, on a connection that it closes after. */
    private void assertNeighbourAnswers() throws IOException {
        try (RawHttp1 neighbour = RawHttp1.connect(harness.httpPort())) {
            RawHttp1.Response response = neighbour.send("GET /neighbour HTTP/1.1\r\nHost: " + NEIGHBOUR
                    + "\r\nConnection: close\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello from upstream /neighbour");
        }
    }
}
