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
import dev.burrow.store.TokenScope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A name whose agent's network dropped stays its account's for a grace period, and only then goes to another. */
class NameHoldTest {
    @TempDir
    Path dataDir;
    TunnelHarness harness;
    final TestUpstream upstream = new TestUpstream();

    NameHoldTest() throws Exception {
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
    }

    private void startEdge(Duration grace) {
        harness = new TunnelHarness(dataDir, b -> b.nameGrace(grace));
        harness.edge.store().accounts().create("team", "free");
        harness.edge.store().accounts().create("rival", "free");
    }

    private String token(String account) {
        return harness.edge.store().tokens().create(account, account + "-laptop", TokenScope.ANY).token();
    }

    private HttpTunnelOptions mine() {
        return HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("mine");
    }

    @Test
    void aNameLostWithItsSessionIsKeptForItsAccountWhileAnotherAccountTriesToTakeIt() throws Exception {
        startEdge(Duration.ofMinutes(2));
        String team = token("team");
        try (FaultProxy network = new FaultProxy(harness.edge.agentAddress())) {
            Agent owner = harness.startAgent(harness.agentBuilder().authtoken(team).edge("127.0.0.1", network.port())
                    .backoff(Duration.ofSeconds(60), Duration.ofSeconds(60)));
            owner.http(mine());

            network.cutAll();
            await().atMost(Duration.ofSeconds(10)).until(() -> harness.edge.tunnels().isEmpty());

            Agent rival = harness.startAgent(harness.agentBuilder().authtoken(token("rival")));
            assertThatThrownBy(() -> rival.http(mine())).isInstanceOfSatisfying(AgentException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.HOSTNAME_TAKEN);
                assertThat(e.getMessage()).isEqualTo("hostname mine.burrow.test is held for the account whose agent"
                        + " bound it, until it reconnects");
            });
            Agent ownerAgain = harness.startAgent(harness.agentBuilder().authtoken(team));
            assertThat(ownerAgain.http(mine()).url()).startsWith("http://mine.burrow.test:");
            assertThat(harness.get("mine.burrow.test", "/").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void afterTheGracePeriodTheOwnerThatFindsItsNameTakenSaysSoAndGivesTheTunnelUp() throws Exception {
        startEdge(Duration.ZERO);
        CompletableFuture<AgentException> lost = new CompletableFuture<>();
        try (FaultProxy network = new FaultProxy(harness.edge.agentAddress())) {
            Agent owner = harness.startAgent(harness.agentBuilder().authtoken(token("team"))
                    .edge("127.0.0.1", network.port()).takenRetries(2).listener(new AgentListener() {
                        @Override
                        public void bindFailed(AgentTunnel tunnel, AgentException error) {
                            lost.complete(error);
                        }
                    }));
            AgentTunnel tunnel = owner.http(mine());
            Agent rival = harness.startAgent(harness.agentBuilder().authtoken(token("rival")));

            network.refuse();
            network.cutAll();
            await().atMost(Duration.ofSeconds(10)).until(() -> harness.edge.tunnels().isEmpty());
            rival.http(HttpTunnelOptions.to("1").withSubdomain("mine"));
            network.restore();

            assertThat(lost).succeedsWithin(Duration.ofSeconds(20)).satisfies(e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.HOSTNAME_TAKEN);
                assertThat(e.getMessage()).isEqualTo("lost " + tunnel.url() + " after 2 tries to bind it again:"
                        + " hostname mine.burrow.test is already bound by another tunnel");
            });
        }
    }
}
