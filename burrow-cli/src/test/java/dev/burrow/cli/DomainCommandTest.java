package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.edge.domain.LoopbackDns;
import dev.burrow.edge.Edge;
import dev.burrow.store.Domain;
import dev.burrow.store.JdbcStore;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DomainCommandTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path dataDir;
    LoopbackDns dns;

    @BeforeEach
    void setUp() throws Exception {
        dns = new LoopbackDns();
        edge("account", "create", "team");
        edge("account", "create", "other");
    }

    @AfterEach
    void tearDown() {
        dns.close();
    }

    /** {@code burrow edge SUBCOMMAND args... --data-dir DIR}. */
    private Cli.Result edge(String... args) {
        List<String> full = new ArrayList<>(List.of("edge"));
        full.addAll(List.of(args));
        full.addAll(List.of("--data-dir", dataDir.toString()));
        return Cli.run(full.toArray(String[]::new));
    }

    private Cli.Result add(String domain, String account) {
        return edge("domain", "add", domain, "--account", account, "--edge-domain", "tunnels.test");
    }

    private Cli.Result verify(String domain) {
        return edge("domain", "verify", domain, "--dns-server", "127.0.0.1:" + dns.port());
    }

    private Domain stored(String name) {
        try (JdbcStore store = JdbcStore.openSqlite(dataDir)) {
            return store.domains().find(name).orElseThrow();
        }
    }

    @Test
    void addPrintsTheExactRecordToCreateAndHowToVerify() {
        Cli.Result added = add("App.Customer.test", "team");

        Domain domain = stored("app.customer.test");
        assertThat(added.exitCode()).isZero();
        assertThat(added.out()).isEqualTo("added domain app.customer.test to account team; to prove the account owns"
                + " it, create this DNS record:" + NL
                + NL
                + "  name:  _burrow-challenge.app.customer.test" + NL
                + "  type:  TXT" + NL
                + "  value: burrow-verify=" + domain.challenge() + NL
                + NL
                + "A running edge looks for it every minute; to look now: burrow edge domain verify app.customer.test"
                + NL
                + "Then point app.customer.test at the edge (a CNAME to one of its names, or its addresses)." + NL);
    }

    @Test
    void verifySaysExactlyWhyNotUntilTheRecordHoldsTheChallengeThenTheDomainStaysVerified() {
        add("*.customer.test", "team");
        String value = stored("*.customer.test").recordValue();

        Cli.Result missing = verify("*.customer.test");
        dns.txt("_burrow-challenge.customer.test", "burrow-verify=wrong");
        Cli.Result wrong = verify("*.customer.test");
        dns.txt("_burrow-challenge.customer.test", value);
        Cli.Result proven = verify("*.customer.test");
        dns.txt("_burrow-challenge.customer.test");
        Cli.Result again = verify("*.customer.test");

        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("burrow: domain *.customer.test is not verified: there is no TXT record"
                + " _burrow-challenge.customer.test (asked DNS server 127.0.0.1:" + dns.port() + "); create it with"
                + " the value " + value + NL);
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.err()).isEqualTo("burrow: domain *.customer.test is not verified: the TXT record"
                + " _burrow-challenge.customer.test holds \"burrow-verify=wrong\", not \"" + value + "\"" + NL);
        assertThat(proven.exitCode()).isZero();
        assertThat(proven.out()).isEqualTo("verified domain *.customer.test: account team may bind the names one"
                + " label below customer.test" + NL);
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).startsWith("domain *.customer.test is verified since ");
        assertThat(stored("*.customer.test").verified()).isTrue();
    }

    @Test
    void verifyAnswersInBoundedTimeWhenDnsDoesNotAnswer() throws Exception {
        add("app.customer.test", "team");
        int closed;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            closed = socket.getLocalPort();
        }

        // Given to burrow edge, the server counts for its domain commands too.
        Cli.Result result = Cli.run("edge", "--dns-server", "127.0.0.1:" + closed, "domain", "verify",
                "app.customer.test", "--data-dir", dataDir.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("burrow: domain app.customer.test is not verified: could not look up the"
                + " TXT record _burrow-challenge.app.customer.test: DNS server 127.0.0.1:" + closed
                + " did not answer (2 tries, 3 s at most)" + NL);
        assertThat(stored("app.customer.test").verified()).isFalse();
    }

    @Test
    void listShowsEveryDomainOrOneAccountsWithStatusAndTimes() {
        add("app.customer.test", "team");
        add("shop.example.test", "other");
        dns.txt("_burrow-challenge.app.customer.test", stored("app.customer.test").recordValue());
        verify("app.customer.test");

        Cli.Result all = edge("domain", "list");
        Cli.Result theirs = edge("domain", "list", "--account", "other");

        assertThat(all.exitCode()).isZero();
        assertThat(all.out().lines().toList()).hasSize(3).first().asString()
                .matches("DOMAIN +ACCOUNT +STATUS +CREATED +VERIFIED");
        assertThat(all.out()).containsPattern("app.customer.test +team +verified +\\S+Z +\\S+Z")
                .containsPattern("shop.example.test +other +awaiting TXT record +\\S+Z +not yet");
        assertThat(theirs.out().lines().toList()).hasSize(2);
        assertThat(theirs.out()).contains("shop.example.test").doesNotContain("app.customer.test");
        assertThat(edge("domain", "list", "--account", "nobody").err()).contains("no domains of account nobody yet");
    }

    @Test
    void removeTakesTheDomainAwaySoAnotherAccountMayAddIt() {
        add("app.customer.test", "team");

        Cli.Result taken = add("app.customer.test", "other");
        Cli.Result removed = edge("domain", "remove", "app.customer.test");
        Cli.Result gone = edge("domain", "remove", "app.customer.test");

        assertThat(taken.exitCode()).isEqualTo(1);
        assertThat(taken.err()).isEqualTo("burrow: domain 'app.customer.test' belongs to account 'team'" + NL);
        assertThat(removed.out()).isEqualTo("removed domain app.customer.test" + NL);
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).isEqualTo("burrow: no domain 'app.customer.test'" + NL);
        assertThat(add("app.customer.test", "other").exitCode()).isZero();
        assertThat(edge("domain", "list").out()).containsPattern("app.customer.test +other ");
    }

    @Test
    void theEdgesOwnNamesUnknownAccountsAndNonDomainsAreRefusedInOneLine() {
        Cli.Result own = add("*.tunnels.test", "team");
        Cli.Result apex = Cli.run("edge", "--domain", "tunnels.test", "domain", "add", "tunnels.test", "--account",
                "team", "--data-dir", dataDir.toString());
        Cli.Result nobody = add("app.customer.test", "nobody");
        Cli.Result bad = add("app_1.customer.test", "team");

        assertThat(own.exitCode()).isEqualTo(1);
        assertThat(own.err()).isEqualTo("burrow: domain '*.tunnels.test' is under the edge's own domain tunnels.test,"
                + " whose names any account binds without a domain" + NL);
        assertThat(apex.exitCode()).isEqualTo(1);
        assertThat(apex.err()).contains("is under the edge's own domain tunnels.test");
        assertThat(nobody.exitCode()).isEqualTo(1);
        assertThat(nobody.err()).startsWith("burrow: no account 'nobody'").hasLineCount(1);
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).startsWith("burrow: 'app_1.customer.test' is not a domain").hasLineCount(1);
        assertThat(edge("domain", "list").err()).contains("no domains yet");
    }

    @Test
    void addWithoutTheEdgesDomainIsAUsageError() {
        Cli.Result result = edge("domain", "add", "app.customer.test", "--account", "team");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing the edge's domain: give --edge-domain DOMAIN");
        assertThat(edge("domain", "list").err()).contains("no domains yet");
    }

    @Test
    void anEdgeStartedWithTheDnsServerVerifiesAPendingDomainWithoutBeingAsked() {
        add("app.customer.test", "team");
        Domain domain = stored("app.customer.test");
        dns.txt(domain.recordName(), domain.recordValue());
        EdgeCommand command = Cli.parse(EdgeCommand.class, "edge", "--domain", "tunnels.test", "--data-dir",
                dataDir.toString(), "--agent-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--admin-addr",
                "127.0.0.1:0", "--dns-server", "127.0.0.1:" + dns.port());

        try (Edge edge = command.start()) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> edge.store().domains().find("app.customer.test").orElseThrow().verified());
        }
        assertThat(edge("domain", "list").out()).containsPattern("app.customer.test +team +verified ");
    }

    @Test
    void deletingAnAccountDeletesItsDomains() {
        add("app.customer.test", "team");
        add("shop.example.test", "other");

        assertThat(edge("account", "delete", "team").out())
                .isEqualTo("deleted account team, its tokens and its domains" + NL);

        assertThat(edge("domain", "list").out()).contains("shop.example.test").doesNotContain("app.customer.test");
    }
}
