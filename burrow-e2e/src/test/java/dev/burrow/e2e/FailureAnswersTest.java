package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What a public client sees when something between it and the local service is missing or broken. */
class FailureAnswersTest {
    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;

    /** What the agent tells its user about its upstream's failures. */
    final ListAppender<ILoggingEvent> agentLog = new ListAppender<>();

    @BeforeEach
    void setUp() throws Exception {
        harness = new TunnelHarness(dataDir);
        upstream = new TestUpstream();
        agentLog.start();
        ((Logger) LoggerFactory.getLogger("dev.burrow.agent.UpstreamFailureLog")).addAppender(agentLog);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger("dev.burrow.agent.UpstreamFailureLog")).detachAppender(agentLog);
        harness.close();
        upstream.close();
    }

    /** The agent's warning lines, each as its message and key-values. */
    private List<String> agentWarnings() {
        return agentLog.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(e -> e.getFormattedMessage() + " " + e.getKeyValuePairs()).toList();
    }

    @Test
    void unknownHostGets404NamingTheHost() throws Exception {
        HttpResponse<String> response = harness.get("nobody.burrow.test", "/");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("Tunnel not found", "<code>nobody.burrow.test</code>");
        assertThat(response.headers().firstValue("Burrow-Error")).hasValue("tunnel_not_found");
    }

    @Test
    void refusingUpstreamGets502NamingTheUpstream() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Agent agent = harness.startAgent();
        AgentTunnel tunnel = agent.http(HttpTunnelOptions.to("127.0.0.1:" + closedPort));

        HttpResponse<String> response = harness.get(tunnel.hostname(), "/orders?id=7");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("could not reach its upstream", "http://127.0.0.1:" + closedPort,
                "connection refused");
        assertThat(response.headers().firstValue("Burrow-Error")).hasValue("upstream_unreachable");
        assertThat(agentWarnings()).singleElement().asString()
                .startsWith("The agent could not reach its upstream at http://127.0.0.1:" + closedPort
                        + ": connection refused")
                .contains("status=\"502\"", "request=\"GET /orders?id=7\"");
    }

    @Test
    void silentUpstreamGets504AfterTheResponseTimeout() throws Exception {
        Agent agent = harness.startAgent(harness.agentBuilder().upstreamResponseTimeout(Duration.ofMillis(300)));
        AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));

        HttpResponse<String> response = harness.get(tunnel.hostname(), "/hang");

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body()).contains("did not answer");
        assertThat(agentWarnings()).singleElement().asString()
                .startsWith("The upstream at http://localhost:" + upstream.port() + " did not answer within 300ms.")
                .contains("status=\"504\"", "request=\"GET /hang\"");
    }

    @Test
    void closedTunnelAnswersOfflineAtOnceAndFreesItsName() throws Exception {
        Agent agent = harness.startAgent();
        AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("gone"));
        assertThat(harness.get("gone.burrow.test", "/").statusCode()).isEqualTo(200);

        tunnel.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> harness.edge.tunnels().isEmpty());
        HttpResponse<String> response = harness.get("gone.burrow.test", "/");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("Tunnel offline", "gone.burrow.test");
        Agent other = harness.startAgent();
        assertThat(other.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("gone")).url())
                .startsWith("http://gone.burrow.test:");
    }

    @Test
    void agentGoneBeforeTheAnswerGets502() throws Exception {
        try (FaultProxy proxy = new FaultProxy(harness.edge.agentAddress())) {
            Agent agent = harness.startAgent(harness.agentBuilder().edge("127.0.0.1", proxy.port()).reconnect(false));
            AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));
            var pending = harness.client.sendAsync(harness.request(tunnel.hostname(), "/hang").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.hangReleased.getCount() == 1
                    && harness.edge.tunnels().size() == 1);

            proxy.cutAll();

            HttpResponse<String> response = pending.get();
            assertThat(response.statusCode()).isIn(502, 503);
            assertThat(response.body()).containsAnyOf("went away", "offline");
        }
    }

    @Test
    void agentGoneMidBodyCutsTheBodyShort() throws Exception {
        try (FaultProxy proxy = new FaultProxy(harness.edge.agentAddress())) {
            Agent agent = harness.startAgent(harness.agentBuilder().edge("127.0.0.1", proxy.port()).reconnect(false));
            AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));
            long size = 512L * 1024 * 1024;
            HttpResponse<InputStream> response = harness.client.send(
                    harness.request(tunnel.hostname(), "/bytes/" + size).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValueAsLong("content-length")).hasValue(size);

            try (InputStream body = response.body()) {
                byte[] buf = new byte[64 * 1024];
                assertThat(body.readNBytes(buf, 0, buf.length)).isEqualTo(buf.length);
                proxy.cutAll();
                assertThatThrownBy(() -> {
                    long total = buf.length;
                    int n;
                    while ((n = body.read(buf)) != -1) {
                        total += n;
                    }
                    // A clean end before Content-Length would let a short body pass for a whole one.
                    assertThat(total).isEqualTo(size);
                }).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void heartbeatNoticesASilentDropAndFreesTheName() throws Exception {
        harness.close();
        harness = new TunnelHarness(dataDir.resolve("hb"), b -> b.heartbeat(Duration.ofMillis(200), 3));
        try (FaultProxy proxy = new FaultProxy(harness.edge.agentAddress())) {
            Agent agent = harness.startAgent(harness.agentBuilder().edge("127.0.0.1", proxy.port())
                    .heartbeat(Duration.ofMillis(200), 3).reconnect(false));
            agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("quiet"));

            proxy.freeze();

            await().atMost(Duration.ofSeconds(10)).until(() -> harness.edge.tunnels().isEmpty());
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.stopped().isDone());
            assertThat(harness.get("quiet.burrow.test", "/").statusCode()).isEqualTo(503);
        }
    }

    @Test
    void afterASilentDropTheAgentReconnectsAndGetsItsNameBack() throws Exception {
        harness.close();
        harness = new TunnelHarness(dataDir.resolve("hb"), b -> b.heartbeat(Duration.ofMillis(200), 3));
        try (FaultProxy proxy = new FaultProxy(harness.edge.agentAddress())) {
            // A short connect timeout: a reconnect tried while the network is still down loses its ClientHello.
            Agent agent = harness.startAgent(harness.agentBuilder().edge("127.0.0.1", proxy.port())
                    .heartbeat(Duration.ofMillis(200), 3).connectTimeout(Duration.ofSeconds(2)));
            agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("quiet"));

            proxy.freeze();
            await().atMost(Duration.ofSeconds(10)).until(() -> harness.edge.tunnels().isEmpty());
            proxy.thaw();

            await().atMost(Duration.ofSeconds(30)).until(() -> harness.edge.tunnels().size() == 1);
            assertThat(harness.get("quiet.burrow.test", "/back").body()).isEqualTo("hello from upstream /back");
            assertThat(agent.stopped()).isNotDone();
        }
    }

    @Test
    void edgeRefusesAStreamForATunnelTheAgentClosedLocally() throws Exception {
        Agent agent = harness.startAgent();
        AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));
        String hostname = tunnel.hostname();
        agent.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> harness.edge.tunnels().isEmpty());
        assertThat(harness.get(hostname, "/").statusCode()).isEqualTo(503);
        assertThat(new InetSocketAddress("127.0.0.1", harness.httpPort()).getPort()).isPositive();
    }
}
