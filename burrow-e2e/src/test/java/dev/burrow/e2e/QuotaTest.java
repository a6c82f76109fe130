package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.TcpTunnelOptions;
import dev.burrow.edge.Plan;
import dev.burrow.edge.Plans;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.store.TokenScope;
import dev.burrow.store.Usage;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plans' limits as an agent's user and a visitor meet them. */
class QuotaTest {
    private static final Plans PLANS = new Plans(Map.of(
            "free", new Plan("free", 2, 1, null, null, null),
            "metered", new Plan("metered", null, null, null, 5, null),
            "capped", new Plan("capped", null, null, 2, null, null),
            "small", new Plan("small", null, null, null, null, 1000L)));

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;

    @BeforeEach
    void setUp() throws Exception {
        var ports = TcpTunnelTest.freeRange(4);
        harness = new TunnelHarness(dataDir, b -> b.plans(PLANS).tcpPorts(ports));
        upstream = new TestUpstream();
        harness.edge.store().accounts().create("team", "free");
        harness.edge.store().accounts().create("shop", "metered");
        harness.edge.store().accounts().create("typo", "enterprize");
        harness.edge.store().accounts().create("lab", "capped");
        harness.edge.store().accounts().create("blog", "small");
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
    }

    private Agent agent(String account) {
        return harness.startAgent(harness.agentBuilder().authtoken(
                harness.edge.store().tokens().create(account, account + "-" + System.nanoTime(), TokenScope.ANY)
                        .token()));
    }

    private HttpTunnelOptions named(String subdomain) {
        return HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain(subdomain);
    }

    @Test
    void anAccountHoldsAsManyTunnelsAsItsPlanAllowsAcrossItsSessions() throws Exception {
        Agent laptop = agent("team");
        Agent server = agent("team");
        AgentTunnel first = laptop.http(named("one"));
        server.http(named("two"));

        assertThatThrownBy(() -> server.http(named("three"))).isInstanceOfSatisfying(AgentException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).isEqualTo("account 'team' has 2 tunnels online at once, the most its plan"
                    + " 'free' allows");
        });
        first.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> harness.edge.tunnels().size() == 1);
        assertThat(server.http(named("three")).url()).startsWith("http://three.burrow.test:");
    }

    @Test
    void tcpPortsHaveALimitOfTheirOwn() {
        Agent agent = agent("team");
        agent.tcp(TcpTunnelOptions.to(Integer.toString(upstream.port())));

        assertThatThrownBy(() -> agent.tcp(TcpTunnelOptions.to(Integer.toString(upstream.port()))))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
                    assertThat(e.getMessage()).isEqualTo("account 'team' has 1 TCP port at once, the most its"
                            + " plan 'free' allows");
                });
        assertThat(agent.http(named("web")).url()).startsWith("http://web.burrow.test:");
    }

    @Test
    void visitorsPastTheAccountsRequestsPerMinuteGet429AndOtherAccountsAreUntouched() throws Exception {
        agent("shop").http(named("shop"));
        agent("typo").http(named("other"));

        for (int i = 0; i < 5; i++) {
            assertThat(harness.get("shop.burrow.test", "/").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> refused = harness.get("shop.burrow.test", "/");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("retry-after")).contains("5");
        assertThat(refused.body()).contains("5 per minute");
        assertThat(harness.get("other.burrow.test", "/").statusCode()).isEqualTo(200);
    }

    @Test
    void visitorsPastTheAccountsOpenConnectionsGet429UntilOneEnds() throws Exception {
        agent("lab").http(named("lab"));
        agent("typo").http(named("other"));
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(harness.client.sendAsync(harness.request("lab.burrow.test", "/hang").build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.requested.stream()
                .filter("/hang"::equals).count() == 2);

        HttpResponse<String> refused = harness.get("lab.burrow.test", "/");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("retry-after")).contains("1");
        assertThat(refused.body()).contains("as many connections open at once as its plan allows (2)");
        assertThat(harness.get("other.burrow.test", "/").statusCode()).isEqualTo(200);
        upstream.hangReleased.countDown();
        for (CompletableFuture<HttpResponse<String>> response : held) {
            assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> harness.get("lab.burrow.test", "/").statusCode() == 200);
    }

    @Test
    void aTcpConnectionPastTheAccountsOpenConnectionsIsClosed() throws Exception {
        AgentTunnel tunnel = agent("lab").tcp(TcpTunnelOptions.to(Integer.toString(upstream.port())));
        try (Socket first = new Socket("127.0.0.1", tunnel.port());
             Socket second = new Socket("127.0.0.1", tunnel.port())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> harness.edge.tunnels().size() == 1);
            try (RawHttp1 third = RawHttp1.connect(tunnel.port())) {
                third.assertClosed();
            } catch (SocketException e) {
                // On a busy machine the edge's reset can come before the connect call has returned: closed at once.
                assertThat(e.getMessage()).contains("reset");
            }
            first.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            first.setSoTimeout(5000);
            assertThat(new String(first.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
                    .isEqualTo("HTTP/1.1 200");
        }
    }

    @Test
    void bandwidthPastThePlansMonthIsRefusedAndARestartDoesNotResetIt() throws Exception {
        agent("blog").http(named("blog"));
        agent("typo").http(named("other"));
        assertThat(harness.get("blog.burrow.test", "/bytes/600").statusCode()).isEqualTo(200);
        assertThat(harness.get("blog.burrow.test", "/bytes/600").statusCode()).isEqualTo(200);

        HttpResponse<String> refused = await().atMost(Duration.ofSeconds(5))
                .until(() -> harness.get("blog.burrow.test", "/"), r -> r.statusCode() != 200);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("has used the bandwidth its plan allows this month (1 kB)");
        assertThat(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow())).isPositive();
        assertThat(harness.get("other.burrow.test", "/bytes/600").statusCode()).isEqualTo(200);

        harness.restartEdge();
        String period = Usage.periodOf(Instant.now());
        assertThat(harness.edge.store().usage().of("blog", period).bytesOut()).isGreaterThanOrEqualTo(1200);
        HttpResponse<String> afterRestart = await().atMost(Duration.ofSeconds(10))
                .until(() -> harness.get("blog.burrow.test", "/"), r -> r.statusCode() != 404);
        assertThat(afterRestart.statusCode()).isEqualTo(429);
    }

    @Test
    void anAccountOnAPlanTheEdgeDoesNotKnowIsHeldToFree() {
        Agent agent = agent("typo");
        agent.http(named("a"));
        agent.http(named("b"));

        assertThatThrownBy(() -> agent.http(named("c"))).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.getMessage()).contains("the most its plan 'free' allows"));
    }

    @Test
    void newPlansApplyToTheNextBindAndLeaveTunnelsOnline() {
        Agent agent = agent("team");
        agent.http(named("a"));
        agent.http(named("b"));

        harness.edge.replacePlans(new Plans(Map.of("free", new Plan("free", 3, 1, null, null, null))));

        assertThat(agent.http(named("c")).url()).startsWith("http://c.burrow.test:");
        harness.edge.replacePlans(new Plans(Map.of("free", new Plan("free", 1, 1, null, null, null))));
        assertThat(harness.edge.tunnels()).hasSize(3);
        assertThatThrownBy(() -> agent.http(named("d"))).isInstanceOf(AgentException.class);
    }
}
