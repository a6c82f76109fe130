package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.domain.LoopbackDns;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.store.Domain;
import dev.burrow.store.DomainStore;
import dev.burrow.store.TokenScope;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names outside the edge's domain as an account's agent sees them: bound once a domain of its account is verified
 * by its DNS TXT record, refused before and to every other account, and reached by visitors like any tunnel.
 */
class CustomDomainTest {
    @TempDir
    Path dataDir;
    LoopbackDns dns;
    TunnelHarness harness;
    TestUpstream upstream;
    DomainStore domains;

    @BeforeEach
    void setUp() throws Exception {
        dns = new LoopbackDns();
        harness = new TunnelHarness(dataDir, edge -> edge
                .dnsServer(new InetSocketAddress("127.0.0.1", dns.port()))
                .domainCheckInterval(Duration.ofMillis(200)));
        upstream = new TestUpstream();
        domains = harness.edge.store().domains();
        harness.edge.store().accounts().create("team", "free");
        harness.edge.store().accounts().create("other", "free");
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
        dns.close();
    }

    private Agent agentOf(String account, TokenScope scope) {
        String token = harness.edge.store().tokens().create(account, account + "-agent", scope).token();
        return harness.startAgent(harness.agentBuilder().authtoken(token));
    }

    private Agent agentOf(String account) {
        return agentOf(account, TokenScope.ANY);
    }

    private HttpTunnelOptions hostname(String name) {
        return HttpTunnelOptions.to(Integer.toString(upstream.port())).withHostname(name);
    }

    private static void assertRefused(ThrowingCallable bind, ErrorCode code, String message) {
        assertThatThrownBy(bind).isInstanceOfSatisfying(AgentException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private static String noDomain(String hostname) {
        return "hostname '" + hostname + "' is not under this edge's domain burrow.test, and no verified domain of"
                + " your account covers it";
    }

    @Test
    void anAccountBindsItsDomainOnlyOnceVerifiedAndVisitorsReachIt() throws Exception {
        Domain domain = domains.add("team", "app.customer.test");
        Agent agent = agentOf("team");

        assertRefused(() -> agent.http(hostname("app.customer.test")), ErrorCode.HOSTNAME_INVALID,
                "hostname 'app.customer.test' is under domain app.customer.test, which awaits its TXT record"
                        + " _burrow-challenge.app.customer.test holding \"" + domain.recordValue() + "\"");
        assertThat(harness.edge.tunnels()).isEmpty();

        domains.markVerified("app.customer.test");

        assertThat(agent.http(hostname("app.customer.test")).url()).startsWith("http://app.customer.test:");
        assertThat(harness.get("app.customer.test", "/hello").body()).isEqualTo("hello from upstream /hello");
    }

    @Test
    void anotherAccountCannotBindADomainItDoesNotHold() throws Exception {
        domains.add("team", "app.customer.test");
        domains.markVerified("app.customer.test");
        Agent theirs = agentOf("other");

        assertRefused(() -> theirs.http(hostname("app.customer.test")), ErrorCode.HOSTNAME_INVALID,
                noDomain("app.customer.test"));
        assertRefused(() -> theirs.http(hostname("www.unknown.test")), ErrorCode.HOSTNAME_INVALID,
                noDomain("www.unknown.test"));

        agentOf("team").http(hostname("app.customer.test"));
        assertThat(harness.get("app.customer.test", "/").statusCode()).isEqualTo(200);
    }

    @Test
    void aWildcardCoversTheNamesOneLabelBelowItAndNoOthers() throws Exception {
        domains.add("team", "*.customer.test");
        domains.markVerified("*.customer.test");
        Agent agent = agentOf("team");

        agent.http(hostname("shop.customer.test"));
        agent.http(hostname("blog.customer.test"));
        for (String outside : List.of("a.b.customer.test", "customer.test")) {
            assertRefused(() -> agent.http(hostname(outside)), ErrorCode.HOSTNAME_INVALID, noDomain(outside));
        }

        assertThat(harness.get("blog.customer.test", "/").body()).isEqualTo("hello from upstream /");
        assertThat(harness.edge.tunnels()).hasSize(2);
    }

    @Test
    void theEdgeVerifiesADomainWhoseRecordAppearsLaterWithoutBeingAsked() throws Exception {
        Domain domain = domains.add("team", "app.customer.test");
        Agent agent = agentOf("team");
        assertThatThrownBy(() -> agent.http(hostname("app.customer.test"))).isInstanceOf(AgentException.class);

        dns.txt("_burrow-challenge.app.customer.test", domain.recordValue());

        await().atMost(Duration.ofSeconds(10))
                .until(() -> domains.find("app.customer.test").map(Domain::verified).orElse(false));
        agent.http(hostname("app.customer.test"));
        assertThat(harness.get("app.customer.test", "/").statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenScopedToOtherNamesCannotBindItsAccountsDomain() {
        domains.add("team", "app.customer.test");
        domains.markVerified("app.customer.test");
        Agent scoped = agentOf("team", new TokenScope(List.of(), List.of("api"), Optional.empty()));

        assertRefused(() -> scoped.http(hostname("app.customer.test")), ErrorCode.SCOPE_DENIED,
                "authtoken 'team-agent' may bind only the names api");
    }

    @Test
    void theEdgesOwnNameIsNeverBoundWhateverDomainAnAccountHolds() {
        // The commands refuse such a domain; the edge does not rely on it.
        domains.add("team", "burrow.test");
        domains.markVerified("burrow.test");
        Agent agent = agentOf("team");

        assertRefused(() -> agent.http(hostname("burrow.test")), ErrorCode.HOSTNAME_INVALID,
                "hostname 'burrow.test' is this edge's own name");
    }
}
