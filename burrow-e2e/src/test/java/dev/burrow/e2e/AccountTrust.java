package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.store.JdbcStore;
import dev.burrow.store.TokenScope;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accounts and token scopes as an agent's user sees them: what a token may bind, and when it stops working. Once
 * per database the edge can keep its store in.
 */
abstract class AccountTrust {
    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;

    /** The edge's store settings. */
    abstract UnaryOperator<EdgeConfig.Builder> store() throws Exception;

    /** The same database opened apart from the edge, as the CLI's commands open it in a process of their own. */
    abstract JdbcStore openAgain();

    @BeforeEach
    void setUp() throws Exception {
        harness = new TunnelHarness(dataDir, store());
        upstream = new TestUpstream();
        harness.edge.store().accounts().create("team", "free");
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
    }

    private String token(String name, TokenScope scope) {
        return harness.edge.store().tokens().create("team", name, scope).token();
    }

    private Agent serving(String token, String subdomain) {
        Agent agent = harness.startAgent(harness.agentBuilder().authtoken(token));
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain(subdomain));
        return agent;
    }

    private static void assertStoppedBy(Agent agent, String message) {
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.stopped().isDone());
        assertThat(agent.stopped().join()).satisfies(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.AUTH_REVOKED);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @Test
    void revokingATokenEndsTheSessionUsingItAndFreesItsNames() throws Exception {
        Agent agent = serving(token("laptop", TokenScope.ANY), "live");
        assertThat(harness.get("live.burrow.test", "/").statusCode()).isEqualTo(200);

        // As `burrow edge token revoke` does: another store on the same database, as another process would open.
        try (JdbcStore command = openAgain()) {
            assertThat(command.tokens().revoke("laptop")).isTrue();
        }

        assertStoppedBy(agent, "authtoken 'laptop' was revoked");
        assertThat(harness.edge.tunnels()).isEmpty();
        assertThat(harness.get("live.burrow.test", "/").statusCode()).isEqualTo(503);
    }

    @Test
    void disablingAnAccountEndsEverySessionOfItAndNoOther() throws Exception {
        Agent first = serving(token("one", TokenScope.ANY), "one");
        Agent second = serving(token("two", TokenScope.ANY), "two");
        Agent other = serving(harness.token, "other");

        harness.edge.store().accounts().disable("team");

        assertStoppedBy(first, "account 'team' was disabled");
        assertStoppedBy(second, "account 'team' was disabled");
        assertThat(other.stopped()).isNotDone();
        assertThat(harness.get("other.burrow.test", "/").statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> harness.startAgent(harness.agentBuilder().authtoken(token("three", TokenScope.ANY))))
                .isInstanceOfSatisfying(AgentException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED));
    }

    @Test
    void deletingAnAccountEndsItsSessions() {
        Agent agent = serving(token("laptop", TokenScope.ANY), "gone");

        harness.edge.store().accounts().delete("team");

        assertStoppedBy(agent, "authtoken 'laptop' was deleted");
    }

    @Test
    void aTokenThatExpiresEndsItsSessionWhenItDoes() {
        Instant expiry = Instant.now().plusSeconds(2);
        Agent agent = serving(token("brief", new TokenScope(List.of(), List.of(), Optional.of(expiry))), "brief");
        assertThat(agent.stopped()).isNotDone();

        assertStoppedBy(agent, "authtoken 'brief' expired");
        assertThat(Instant.now()).isAfterOrEqualTo(expiry);
    }

    @Test
    void aTokenScopedToTypesMayBindNoOther() {
        Agent agent = harness.startAgent(harness.agentBuilder()
                .authtoken(token("tcp-only", new TokenScope(List.of("tcp"), List.of(), Optional.empty()))));

        assertThatThrownBy(() -> agent.http(HttpTunnelOptions.to("1").withSubdomain("web")))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SCOPE_DENIED);
                    assertThat(e.getMessage()).isEqualTo("authtoken 'tcp-only' may bind only tcp tunnels");
                });
        assertThat(harness.edge.tunnels()).isEmpty();
    }

    @Test
    void aTokenScopedToNamesMayBindThoseAndMatchingOnesOnly() throws Exception {
        Agent agent = harness.startAgent(harness.agentBuilder()
                .authtoken(token("ci", new TokenScope(List.of(), List.of("api", "pr-*"), Optional.empty()))));

        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("api"));
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("pr-42"));
        for (HttpTunnelOptions refused : List.of(HttpTunnelOptions.to("1").withSubdomain("www"),
                HttpTunnelOptions.to("1").withHostname("pr-1.deep.burrow.test"), HttpTunnelOptions.to("1"))) {
            assertThatThrownBy(() -> agent.http(refused)).isInstanceOfSatisfying(AgentException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.SCOPE_DENIED);
                assertThat(e.getMessage()).isEqualTo("authtoken 'ci' may bind only the names api, pr-*");
            });
        }
        assertThat(harness.get("pr-42.burrow.test", "/").statusCode()).isEqualTo(200);
        assertThat(harness.edge.tunnels()).hasSize(2);
    }

    @Test
    void aReservedNameIsBoundOnlyByItsAccountOnceTheEdgeHasReadTheReservation() throws Exception {
        harness.edge.store().accounts().create("rival", "free");
        Agent rival = harness.startAgent(harness.agentBuilder()
                .authtoken(harness.edge.store().tokens().create("rival", "theirs", TokenScope.ANY).token()));
        try (JdbcStore command = openAgain()) {
            command.names().reserve("api", "team");
        }

        // Until the edge has read the reservation (within a second) the rival may still bind the name: it then
        // lets it go and asks again.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try {
                rival.http(HttpTunnelOptions.to("1").withSubdomain("api")).close();
                await().atMost(Duration.ofSeconds(5)).until(() -> harness.edge.tunnels().isEmpty());
                throw new AssertionError("the edge let another account bind a reserved name");
            } catch (AgentException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.HOSTNAME_TAKEN);
                assertThat(e.getMessage()).isEqualTo("hostname api.burrow.test is reserved for another account");
            }
        });
        Agent owner = serving(token("laptop", TokenScope.ANY), "api");
        assertThat(harness.get("api.burrow.test", "/").statusCode()).isEqualTo(200);
        assertThat(owner.stopped()).isNotDone();
    }
}
