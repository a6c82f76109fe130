package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.store.TokenScope;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's network drops packets silently (nothing is reset) while a download runs through its tunnel: the edge
 * notices by heartbeats alone, cuts the download so it cannot pass for whole, holds the name for its account, and the
 * agent gets it back once packets flow again.
 */
class SilentDropTest {
    /** Three missed 200 ms pings; the edge's default (three of 10 s) would take 30 s. */
    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static final int MISSES = 3;

    @TempDir
    Path dataDir;
    private final TestUpstream upstream = new TestUpstream();
    private final FaultWatch watch = new FaultWatch();
    private TunnelHarness harness;

    SilentDropTest() throws Exception {
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
        watch.assertClean();
        watch.close();
    }

    @Test
    void theEdgeDeclaresTheSessionDeadHoldsTheNameAndTheAgentComesBack() throws Exception {
        harness = new TunnelHarness(dataDir, b -> b.heartbeat(HEARTBEAT, MISSES).nameGrace(Duration.ofMinutes(2)));
        harness.edge.store().accounts().create("team", "free");
        harness.edge.store().accounts().create("rival", "free");
        String team = harness.edge.store().tokens().create("team", "laptop", TokenScope.ANY).token();
        String rival = harness.edge.store().tokens().create("rival", "theirs", TokenScope.ANY).token();
        HttpTunnelOptions mine = HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("quiet");
        try (FaultProxy network = new FaultProxy(harness.edge.agentAddress());
             LogLines sessionEnds = new LogLines("dev.burrow.edge.SessionEnd")) {
            // The agent's own heartbeat is the default (30 s to give up), so it is the edge that must notice; its
            // connect timeout bounds each reconnect attempt that the frozen network swallows.
            Agent agent = harness.startAgent(harness.agentBuilder().authtoken(team).edge("127.0.0.1", network.port())
                    .connectTimeout(Duration.ofSeconds(2)));
            agent.http(mine);
            long size = 512L * 1024 * 1024;
            HttpResponse<InputStream> download = harness.client.send(
                    harness.request("quiet.burrow.test", "/bytes/" + size).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(download.statusCode()).isEqualTo(200);

            try (InputStream body = download.body()) {
                byte[] buf = new byte[64 * 1024];
                assertThat(body.readNBytes(buf, 0, buf.length)).isEqualTo(buf.length);
                network.freeze();
                assertThatThrownBy(() -> {
                    long total = buf.length;
                    int n;
                    while ((n = body.read(buf)) != -1) {
                        total += n;
                    }
                    assertThat(total).as("a clean end must not come before Content-Length").isEqualTo(size);
                }).isInstanceOf(IOException.class);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> harness.edge.tunnels().isEmpty());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sessionEnds.lines())
                    .as("how the edge ended the agent's session").anySatisfy(line -> assertThat(line)
                            .containsEntry("token", "laptop").containsEntry("reason", "heartbeat_timeout")));
            assertThat(harness.get("quiet.burrow.test", "/").statusCode()).isEqualTo(503);
            Agent other = harness.startAgent(harness.agentBuilder().authtoken(rival));
            assertThatThrownBy(() -> other.http(mine)).isInstanceOfSatisfying(AgentException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.HOSTNAME_TAKEN));

            network.thaw();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    harness.get("quiet.burrow.test", "/").statusCode()).isEqualTo(200));
            assertThat(agent.reconnects()).isPositive();
            assertThat(agent.stopped()).isNotDone();
        }
    }

    @Test
    void theAgentNoticesItsConnectionWentSilentReconnectsAndTakesItsNameBackBeforeTheEdgeNotices() throws Exception {
        // The edge's heartbeat is its default (three of 10 s); the agent's is short, so it is the agent that notices.
        harness = new TunnelHarness(dataDir, b -> b.nameGrace(Duration.ofMinutes(2)));
        harness.edge.store().accounts().create("team", "free");
        String team = harness.edge.store().tokens().create("team", "laptop", TokenScope.ANY).token();
        try (FaultProxy network = new FaultProxy(harness.edge.agentAddress())) {
            Agent agent = harness.startAgent(harness.agentBuilder().authtoken(team).edge("127.0.0.1", network.port())
                    .heartbeat(HEARTBEAT, MISSES));
            agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("moving"));
            assertThat(harness.get("moving.burrow.test", "/").statusCode()).isEqualTo(200);

            network.dropExisting();

            // Well within the edge's own 30 s: the new session of the same token takes the name from the silent one.
            // A request the edge still sends down the silent connection waits in vain: each try is cut short.
            HttpRequest probe = harness.request("moving.burrow.test", "/").timeout(Duration.ofSeconds(2)).GET().build();
            await().atMost(Duration.ofSeconds(15)).ignoreException(HttpTimeoutException.class).untilAsserted(() -> {
                assertThat(agent.reconnects()).isPositive();
                assertThat(harness.client.send(probe, HttpResponse.BodyHandlers.ofString()).statusCode())
                        .isEqualTo(200);
            });
            assertThat(agent.stopped()).isNotDone();
        }
    }
}
