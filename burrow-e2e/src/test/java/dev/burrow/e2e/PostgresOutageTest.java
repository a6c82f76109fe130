package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.store.PostgresCluster;
import dev.burrow.store.TokenScope;
import dev.burrow.store.Usage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped under an edge whose tunnels carry traffic, then started again: tunnels keep serving, an agent
 * that authenticates meanwhile is told the edge could not check its token (promptly, not after a hang), usage waits
 * in the edge and reaches the database once it is back, and new agents authenticate again.
 */
class PostgresOutageTest {
    @TempDir
    Path dataDir;
    private final TestUpstream upstream = new TestUpstream();
    private final FaultWatch watch = new FaultWatch();
    private TunnelHarness harness;
    private PostgresCluster postgres;

    PostgresOutageTest() throws Exception {
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            // Other tests in this JVM share the cluster: it runs again whatever this test did.
            if (postgres != null && !storeAnswers()) {
                postgres.startServer();
            }
        } finally {
            harness.close();
            upstream.close();
            watch.assertClean();
            watch.close();
        }
    }

    private boolean storeAnswers() {
        try {
            harness.edge.store().usage().of("team", period());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String period() {
        return Usage.periodOf(Instant.now());
    }

    @Test
    void tunnelsServeThroughTheOutageAndUsageArrivesOnceTheDatabaseIsBack() throws Exception {
        postgres = PostgresCluster.get();
        var database = postgres.newDatabaseUrl();
        harness = new TunnelHarness(dataDir, b -> b.database(database));
        harness.edge.store().accounts().create("team", "free");
        String token = harness.edge.store().tokens().create("team", "laptop", TokenScope.ANY).token();
        Agent agent = harness.startAgent(harness.agentBuilder().authtoken(token));
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("steady"));
        int before = 5;
        for (int i = 0; i < before; i++) {
            assertThat(harness.get("steady.burrow.test", "/before").statusCode()).isEqualTo(200);
        }
        // Usage reaches the store every 5 s.
        await().atMost(Duration.ofSeconds(30)).until(() -> requestsStored() == before);

        int during = 20;
        try (LogLines usageLog = new LogLines("dev.burrow.edge.UsageMeter")) {
            postgres.stopServer();

            for (int i = 0; i < during; i++) {
                assertThat(harness.get("steady.burrow.test", "/during").statusCode()).isEqualTo(200);
            }
            // Each store call waits for a connection at most 5 s, and the store's thread has checks queued before it.
            CompletableFuture<Agent> refused = CompletableFuture.supplyAsync(
                    () -> harness.startAgent(harness.agentBuilder().authtoken(token).reconnect(false)));
            assertThat(refused).failsWithin(Duration.ofSeconds(45)).withThrowableThat().havingCause()
                    .isInstanceOfSatisfying(AgentException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                        assertThat(e.getMessage()).isEqualTo("edge could not check the authtoken");
                    });
            assertThat(harness.get("steady.burrow.test", "/still").statusCode()).isEqualTo(200);
            assertThat(agent.stopped()).isNotDone();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(usageLog.events())
                    .extracting(e -> e.getFormattedMessage())
                    .anySatisfy(line -> assertThat(line).startsWith("could not record usage, trying again in 5s")
                            .as("the database's reason, not only the pool's timeout").contains("refused")));
        }

        postgres.startServer();

        await().atMost(Duration.ofSeconds(30)).until(() -> requestsStored() == before + during + 1);
        Agent later = harness.startAgent(harness.agentBuilder().authtoken(token));
        later.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("later"));
        assertThat(harness.get("later.burrow.test", "/").statusCode()).isEqualTo(200);
        assertThat(agent.stopped()).isNotDone();
    }

    private long requestsStored() {
        return harness.edge.store().usage().of("team", period()).requests();
    }
}
