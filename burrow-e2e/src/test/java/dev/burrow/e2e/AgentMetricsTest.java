package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.agent.inspect.InspectorServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's own figures at its inspector's /metrics, as Prometheus reads them, after real requests. */
class AgentMetricsTest {
    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;
    Agent agent;
    InspectorServer inspector;

    @BeforeEach
    void setUp() throws Exception {
        harness = new TunnelHarness(dataDir);
        upstream = new TestUpstream();
        agent = harness.startAgent(harness.agentBuilder().inspect(ExchangeLog.withDefaults()));
        inspector = InspectorServer.start(agent, new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void tearDown() {
        inspector.close();
        harness.close();
        upstream.close();
    }

    private PrometheusText scrape() throws Exception {
        HttpResponse<String> scraped = harness.client.send(HttpRequest.newBuilder(URI.create(inspector.url()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scraped.statusCode()).isEqualTo(200);
        return new PrometheusText(scraped.body());
    }

    @Test
    void requestsByStatusUpstreamErrorsBytesAndTheEdgeAreCounted() throws Exception {
        AgentTunnel web = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AgentTunnel broken = agent.http(HttpTunnelOptions.to(Integer.toString(closedPort)));
        assertThat(harness.get(web.hostname(), "/").statusCode()).isEqualTo(200);
        harness.client.send(harness.request(web.hostname(), "/count").POST(HttpRequest.BodyPublishers
                .ofString("0123456789")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(harness.get(web.hostname(), "/fail").statusCode()).isEqualTo(500);
        assertThat(harness.get(broken.hostname(), "/").statusCode()).isEqualTo(502);

        await().atMost(Duration.ofSeconds(5)).until(() -> scrape().value("burrow_agent_requests_total",
                "status", "5xx") == 2);
        PrometheusText scraped = scrape();
        assertThat(scraped.value("burrow_agent_requests_total", "status", "2xx")).isEqualTo(2);
        assertThat(scraped.value("burrow_agent_upstream_errors_total", "code", "upstream_unreachable"))
                .isEqualTo(1);
        assertThat(scraped.value("burrow_agent_received_bytes_total")).isEqualTo(10);
        assertThat(scraped.value("burrow_agent_sent_bytes_total")).isGreaterThan(2);
        assertThat(scraped.value("burrow_agent_reconnects_total")).isZero();
        assertThat(scraped.value("burrow_agent_connected")).isEqualTo(1);
        assertThat(scraped.value("burrow_agent_tunnels")).isEqualTo(2);
        assertThat(scraped.has("burrow_agent_edge_rtt_seconds")).isTrue();
    }
}
