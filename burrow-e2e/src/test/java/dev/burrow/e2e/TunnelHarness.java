package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.edge.Edge;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.edge.policy.PolicyPhases;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.tls.ServerTrust;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real edge on loopback ephemeral ports with a fresh data directory and authtoken, plus agents that trust it by
 * its certificate fingerprint. Public requests go to the edge's HTTP port with the tunnel's Host header.
 */
final class TunnelHarness implements AutoCloseable {
    final Path dataDir;
    Edge edge;
    final String token;
    private final List<Agent> agents = new ArrayList<>();
    private final UnaryOperator<EdgeConfig.Builder> edgeSettings;
    private final PolicyPhases phases;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    TunnelHarness(Path dataDir) {
        this(dataDir, b -> b);
    }

    TunnelHarness(Path dataDir, UnaryOperator<EdgeConfig.Builder> edgeSettings) {
        this(dataDir, edgeSettings, PolicyPhases.NONE);
    }

    /** An edge whose public requests and connections pass {@code phases}. */
    TunnelHarness(Path dataDir, UnaryOperator<EdgeConfig.Builder> edgeSettings, PolicyPhases phases) {
        this.dataDir = dataDir;
        this.edgeSettings = edgeSettings;
        this.phases = phases;
        this.edge = startEdge(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0));
        this.token = edge.store().tokens().create("test-agent").token();
    }

    Edge startEdge(InetSocketAddress agentAddress, InetSocketAddress httpAddress) {
        EdgeConfig.Builder builder = EdgeConfig.builder("burrow.test", dataDir)
                .agentAddress(agentAddress)
                .httpAddress(httpAddress)
                .drainGrace(Duration.ofSeconds(5));
        return Edge.start(edgeSettings.apply(builder).build(), phases);
    }

    /** Stops the edge at once and starts a new one on the same ports and data directory. */
    void restartEdge() {
        InetSocketAddress agents = edge.agentAddress();
        InetSocketAddress http = edge.httpAddress();
        edge.close();
        edge = startEdge(agents, http);
    }

    Agent.Builder agentBuilder() {
        return Agent.builder()
                .edge("127.0.0.1", edge.agentAddress().getPort())
                .authtoken(token)
                .trust(ServerTrust.fingerprint(edge.certificateFingerprint()))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .upstreamResponseTimeout(Duration.ofSeconds(10));
    }

    Agent startAgent() {
        return startAgent(agentBuilder());
    }

    Agent startAgent(Agent.Builder builder) {
        Agent agent = builder.build().start();
        agents.add(agent);
        return agent;
    }

    URI publicUri(String hostname, String path) {
        return URI.create("http://127.0.0.1:" + edge.httpAddress().getPort() + path);
    }

    HttpRequest.Builder request(String hostname, String path) {
        return HttpRequest.newBuilder(publicUri(hostname, path)).header("Host", hostname)
                .timeout(Duration.ofSeconds(30));
    }

    HttpResponse<String> get(String hostname, String path) throws IOException, InterruptedException {
        return client.send(request(hostname, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    int httpPort() {
        return edge.httpAddress().getPort();
    }

    /** Waits up to {@code within} for {@code agent} to stop for good, told {@code code} and {@code message}. */
    static void assertStoppedBy(Agent agent, ErrorCode code, String message, Duration within) {
        await().atMost(within).until(() -> agent.stopped().isDone());
        AgentException stopped = agent.stopped().join();
        assertThat(stopped.code()).isEqualTo(code);
        assertThat(stopped.retryable()).isFalse();
        assertThat(stopped.getMessage()).isEqualTo(message);
    }

    @Override
    public void close() {
        agents.forEach(Agent::close);
        edge.close();
    }
}
