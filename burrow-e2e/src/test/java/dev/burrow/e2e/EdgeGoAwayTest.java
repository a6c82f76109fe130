package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentListener;
import dev.burrow.tls.EdgeCertificate;
import dev.burrow.tls.ServerTrust;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real agent against an edge written by hand that welcomes it, then ends each connection with a GOAWAY carrying an
 * error: the agent says why, and does not come straight back each time.
 */
class EdgeGoAwayTest {
    /** Connections the fake edge takes before the test stops watching; each reconnect is bounded by the backoff. */
    private static final int CONNECTIONS = 5;
    /** The control stream's id, as Netty's client opens it (stream 1 is kept for an HTTP/1.1 upgrade). */
    private static final int CONTROL = 3;

    @TempDir
    Path dataDir;
    EdgeCertificate certificate;
    LoopbackServer edge;
    Agent agent;
    final List<String> reasons = new CopyOnWriteArrayList<>();
    final List<Integer> attempts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        certificate = EdgeCertificate.loadOrCreateSelfSigned(dataDir, List.of("localhost"));
        SSLContext tls = serverTls(certificate);
        edge = new LoopbackServer("fake-edge", socket -> welcomeThenGoAway(tls, socket, Http2Error.PROTOCOL_ERROR));
    }

    @AfterEach
    void tearDown() throws IOException {
        if (agent != null) {
            agent.close();
        }
        edge.close();
    }

    @Test
    void anEdgeThatEndsTheConnectionWithProtocolErrorIsNamedAndBackedOffFrom() {
        agent = Agent.builder().edge("127.0.0.1", edge.port()).authtoken("brw_fake")
                .trust(ServerTrust.fingerprint(certificate.sha256Fingerprint()))
                .backoff(Duration.ofMillis(20), Duration.ofSeconds(5))
                .listener(new AgentListener() {
                    @Override
                    public void disconnected(String reason) {
                        reasons.add(reason);
                    }

                    @Override
                    public void reconnecting(int attempt, Duration delay) {
                        attempts.add(attempt);
                    }
                }).build().start();

        await().atMost(Duration.ofSeconds(30)).until(() -> attempts.size() >= CONNECTIONS);

        assertThat(reasons).isNotEmpty()
                .allSatisfy(reason -> assertThat(reason).contains("PROTOCOL_ERROR", "you broke it"));
        // Each welcome after such an end counts as a failure still: the delays keep growing.
        assertThat(attempts.subList(0, CONNECTIONS)).containsExactly(1, 2, 3, 4, 5);
    }

    /** Plays the edge for one connection: control stream, welcome on hello, then GOAWAY with {@code error}. */
    private static void welcomeThenGoAway(SSLContext tls, Socket accepted, Http2Error error) throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(accepted, null, accepted.getPort(), true);
        socket.setUseClientMode(false);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"burrow/1"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        try (RawHttp2 h2 = RawHttp2.edge(socket)) {
            h2.headers(CONTROL, new DefaultHttp2Headers().method("POST").scheme("https").authority("fake-edge")
                    .path("/_burrow/control").set("burrow-stream", "control"), false);
            h2.await(f -> f.type() == RawHttp2.DATA && f.streamId() == CONTROL
                    && new String(f.payload(), StandardCharsets.UTF_8).contains("\"hello\""));
            h2.data(CONTROL, "{\"type\":\"welcome\",\"session\":\"s\",\"edge\":\"fake-edge\"}\n"
                    .getBytes(StandardCharsets.UTF_8), false);
            h2.goAway(0, error, "you broke it");
            // Lingers a moment, as a real edge's close does, so that the agent's last frames are read, not reset.
            h2.readTimeout(1_000);
            h2.closedByEdge();
        }
    }

    private static SSLContext serverTls(EdgeCertificate certificate) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("edge", certificate.key(), new char[0], certificate.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(kmf.getKeyManagers(), null, null);
        return tls;
    }
}
