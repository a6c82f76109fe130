package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.AgentListener;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.tls.Fingerprints;
import dev.burrow.tls.ServerTrust;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authentication, name ownership, reconnects and drains, as an agent's user and a public client see them. */
class SessionLifecycleTest {
    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;

    @BeforeEach
    void setUp() throws Exception {
        harness = new TunnelHarness(dataDir);
        upstream = new TestUpstream();
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
    }

    @Test
    void wrongTokenIsRefusedWithoutRetry() {
        assertThatThrownBy(() -> harness.startAgent(harness.agentBuilder().authtoken("brw_notarealtoken_x")))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("invalid or revoked");
                });
    }

    @Test
    void revokedTokenIsRefused() {
        harness.edge.store().tokens().revoke("test-agent");

        assertThatThrownBy(harness::startAgent).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED));
    }

    @Test
    void repeatedFailuresFromOneAddressAreSlowedDown() {
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> harness.startAgent(harness.agentBuilder().authtoken("brw_bad_" + 1)))
                    .isInstanceOf(AgentException.class);
        }
        assertThatThrownBy(harness::startAgent).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
    }

    @Test
    void wrongFingerprintFailsTlsWithAClearError() {
        String wrong = "00".repeat(31) + "01";

        assertThatThrownBy(() -> harness.startAgent(harness.agentBuilder().trust(ServerTrust.fingerprint(wrong))))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.EDGE_UNTRUSTED);
                    assertThat(e.getMessage()).isEqualTo("the edge's certificate is not trusted by certificate with"
                            + " SHA-256 fingerprint " + Fingerprints.normalize(wrong) + ": its fingerprint is another");
                });
    }

    @Test
    void systemTrustRefusesTheSelfSignedEdge() {
        assertThatThrownBy(() -> harness.startAgent(harness.agentBuilder().trust(ServerTrust.system())))
                .isInstanceOfSatisfying(AgentException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.EDGE_UNTRUSTED));
    }

    @Test
    void caFileTrustAcceptsTheEdgeCertificate() {
        Agent agent = harness.startAgent(harness.agentBuilder().edge("localhost", harness.edge.agentAddress().getPort())
                .trust(ServerTrust.caFile(dataDir.resolve("edge-cert.pem"))));

        assertThat(agent.isConnected()).isTrue();
    }

    @Test
    void aNameHeldByAnotherAgentCannotBeTaken() throws Exception {
        Agent first = harness.startAgent();
        first.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("mine"));
        Agent second = harness.startAgent();

        assertThatThrownBy(() -> second.http(HttpTunnelOptions.to("1").withSubdomain("mine")))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.HOSTNAME_TAKEN);
                    assertThat(e.getMessage()).contains("mine.burrow.test");
                });
        assertThat(harness.get("mine.burrow.test", "/").body()).isEqualTo("hello from upstream /");
    }

    @Test
    void hostnameOutsideTheEdgeDomainIsRefused() {
        Agent agent = harness.startAgent();

        assertThatThrownBy(() -> agent.http(HttpTunnelOptions.to("1").withHostname("www.bank.example")))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.HOSTNAME_INVALID);
                    assertThat(e.getMessage()).contains("not under this edge's domain burrow.test");
                });
        assertThat(agent.http(HttpTunnelOptions.to("1").withHostname("deep.app.burrow.test")).url())
                .startsWith("http://deep.app.burrow.test:");
    }

    @Test
    void invalidSubdomainIsRefused() {
        Agent agent = harness.startAgent();

        assertThatThrownBy(() -> agent.http(HttpTunnelOptions.to("1").withSubdomain("no_underscores")))
                .isInstanceOfSatisfying(AgentException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.HOSTNAME_INVALID));
    }

    @Test
    void agentReconnectsAfterAnEdgeRestartAndKeepsItsName() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Agent agent = harness.startAgent(harness.agentBuilder().listener(new AgentListener() {
            @Override
            public void disconnected(String reason) {
                events.add("disconnected");
            }

            @Override
            public void tunnelBound(AgentTunnel tunnel) {
                events.add("bound " + tunnel.hostname());
            }
        }));
        AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));
        String name = tunnel.hostname();

        harness.restartEdge();

        await().atMost(Duration.ofSeconds(15)).until(() -> harness.edge.tunnels().size() == 1);
        assertThat(harness.get(name, "/back").body()).isEqualTo("hello from upstream /back");
        assertThat(tunnel.hostname()).isEqualTo(name);
        assertThat(events).containsSubsequence("bound " + name, "disconnected", "bound " + name);
        assertThat(agent.reconnects()).isEqualTo(1);
    }

    @Test
    void afterAnEdgeSaidItIsRestartingTheAgentRetriesAtItsFirstBackoffStep() throws Exception {
        Duration firstStep = Duration.ofMillis(200);
        List<Duration> delays = new CopyOnWriteArrayList<>();
        Agent agent = harness.startAgent(harness.agentBuilder().backoff(firstStep, Duration.ofSeconds(30))
                .listener(new AgentListener() {
                    @Override
                    public void reconnecting(int attempt, Duration delay) {
                        delays.add(delay);
                    }
                }));
        AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));
        InetSocketAddress agents = harness.edge.agentAddress();
        InetSocketAddress http = harness.edge.httpAddress();

        harness.edge.drain(Duration.ZERO);
        // Growing delays would have reached a ceiling of 6.4 s by the sixth attempt.
        await().atMost(Duration.ofSeconds(10)).until(() -> delays.size() >= 6);
        harness.edge = harness.startEdge(agents, http);

        await().atMost(Duration.ofSeconds(10)).until(() -> harness.edge.tunnels().size() == 1);
        assertThat(harness.get(tunnel.hostname(), "/back").statusCode()).isEqualTo(200);
        assertThat(delays).allSatisfy(delay -> assertThat(delay).isLessThanOrEqualTo(firstStep));
    }

    @Test
    void requestsDuringTheReconnectGapHearTheTunnelIsOffline() throws Exception {
        try (FaultProxy proxy = new FaultProxy(harness.edge.agentAddress())) {
            Agent agent = harness.startAgent(harness.agentBuilder().edge("127.0.0.1", proxy.port())
                    .backoff(Duration.ofSeconds(30), Duration.ofSeconds(30)));
            agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("gap"));

            proxy.cutAll();

            await().atMost(Duration.ofSeconds(5)).until(() -> harness.edge.tunnels().isEmpty());
            HttpResponse<String> response = harness.get("gap.burrow.test", "/");
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("retry-after")).isPresent();
        }
    }

    @Test
    void edgeDrainLetsAnInFlightRequestFinishThenTellsAgentsToGo() throws Exception {
        List<String> reasons = new CopyOnWriteArrayList<>();
        Agent agent = harness.startAgent(harness.agentBuilder().reconnect(false).listener(new AgentListener() {
            @Override
            public void disconnected(String reason) {
                reasons.add(reason);
            }
        }));
        AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));
        CompletableFuture<HttpResponse<String>> inFlight = harness.client.sendAsync(
                harness.request(tunnel.hostname(), "/hang").GET().build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> upstream.hangReleased.getCount() == 1
                && harness.edge.tunnels().size() == 1 && !inFlight.isDone());

        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> harness.edge.drain(Duration.ofSeconds(10)));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThatThrownBy(() ->
                new java.net.Socket("127.0.0.1", harness.httpPort()).close()).isInstanceOf(java.io.IOException.class));
        assertThat(drained).isNotDone();
        upstream.hangReleased.countDown();

        assertThat(inFlight.get().statusCode()).isEqualTo(200);
        assertThat(inFlight.get().body()).isEqualTo("released");
        drained.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.stopped().isDone());
        assertThat(reasons).containsExactly("edge is restarting");
    }

    @Test
    void agentCloseFreesItsNamesAtOnce() throws Exception {
        Agent agent = harness.startAgent();
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("bye"));

        agent.close();

        // The edge frees the names when it reads the agent's GOAWAY, a moment after close() returns; far sooner
        // than the heartbeat timeout (30 s) that would free them if it did not.
        await().atMost(Duration.ofSeconds(2)).until(() -> harness.edge.tunnels().isEmpty());
        assertThat(harness.get("bye.burrow.test", "/").statusCode()).isEqualTo(503);
    }
}
