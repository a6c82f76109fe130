package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.Edge;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.edge.Plan;
import dev.burrow.edge.Plans;
import dev.burrow.store.DatabaseUrl;
import dev.burrow.store.JdbcStore;
import dev.burrow.store.PostgresCluster;
import dev.burrow.tls.ServerTrust;
import java.io.BufferedReader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountCommandTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path dataDir;

    /** {@code burrow edge SUBCOMMAND args... --data-dir DIR}. */
    private Cli.Result edge(String... args) {
        List<String> full = new ArrayList<>(List.of("edge"));
        full.addAll(List.of(args));
        full.addAll(List.of("--data-dir", dataDir.toString()));
        return Cli.run(full.toArray(String[]::new));
    }

    @Test
    void anAccountIsCreatedListedAndShownWithItsTokens() {
        assertThat(edge("account", "create", "team", "--plan", "pro").out()).isEqualTo("created account team" + NL);
        edge("token", "create", "--account", "team", "--name", "laptop");
        edge("token", "create", "--account", "team", "--name", "old");
        edge("token", "revoke", "old");

        Cli.Result listed = edge("account", "list");
        Cli.Result shown = edge("account", "show", "team");

        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out().lines().toList()).hasSize(2).first().asString()
                .startsWith("NAME").contains("PLAN", "TOKENS", "CREATED", "STATUS");
        assertThat(listed.out()).containsPattern("team +pro +1 .* enabled");
        assertThat(shown.exitCode()).isZero();
        assertThat(shown.out()).contains("account:  team", "plan:     pro", "status:   enabled")
                .containsPattern("laptop +never +active").containsPattern("old +never +revoked");
    }

    @Test
    void disableEnableAndDeleteSayWhatTheyDidOrWhyNot() {
        edge("account", "create", "team");

        assertThat(edge("account", "disable", "team").out()).isEqualTo("disabled account team" + NL);
        assertThat(edge("account", "show", "team").out()).contains("status:   disabled since ");
        Cli.Result again = edge("account", "disable", "team");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("burrow: account 'team' is disabled already" + NL);
        assertThat(edge("account", "enable", "team").out()).isEqualTo("enabled account team" + NL);
        assertThat(edge("account", "delete", "team").out())
                .isEqualTo("deleted account team, its tokens and its domains" + NL);
        Cli.Result gone = edge("account", "show", "team");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).isEqualTo("burrow: no account 'team'" + NL);
    }

    @Test
    void setPlanSaysWhatChangedOrWhyNot() {
        edge("account", "create", "team");

        Cli.Result set = edge("account", "set-plan", "team", "pro");
        Cli.Result again = edge("account", "set-plan", "team", "pro");
        Cli.Result nobody = edge("account", "set-plan", "nobody", "pro");
        Cli.Result bad = edge("account", "set-plan", "Team_1", "pro");
        Cli.Result blank = edge("account", "set-plan", "team", " ");

        assertThat(set.exitCode()).isZero();
        assertThat(set.out()).isEqualTo("account 'team' is now on plan 'pro' (was 'free'); a running edge applies"
                + " it within a second" + NL);
        assertThat(again.out()).isEqualTo("account 'team' is on plan 'pro' already" + NL);
        assertThat(edge("account", "show", "team").out()).contains("plan:     pro");
        assertThat(nobody.exitCode()).isEqualTo(1);
        assertThat(nobody.err()).isEqualTo("burrow: no account 'nobody'" + NL);
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).startsWith("burrow: account name 'Team_1' must be").hasLineCount(1);
        assertThat(blank.exitCode()).isEqualTo(1);
        assertThat(blank.err()).isEqualTo("burrow: a plan's name must not be blank" + NL);
        assertThat(edge("account", "set-plan", "team").exitCode()).isEqualTo(2);
    }

    @Test
    void aPlanSetWhileAnAgentIsConnectedAppliesToItsNextBind() {
        Plans plans = new Plans(Map.of("free", new Plan("free", 1, null, null, null, null),
                "team", new Plan("team", 3, null, null, null, null)));
        Edge running = Edge.start(EdgeConfig.builder("example.test", dataDir)
                .agentAddress(new InetSocketAddress("127.0.0.1", 0))
                .httpAddress(new InetSocketAddress("127.0.0.1", 0))
                .plans(plans)
                .build());
        try (running) {
            edge("account", "create", "acme");
            String token = edge("token", "create", "--account", "acme", "--name", "laptop").out().strip();
            try (Agent agent = Agent.builder().edge("127.0.0.1", running.agentAddress().getPort()).authtoken(token)
                    .trust(ServerTrust.fingerprint(running.certificateFingerprint())).build().start()) {
                agent.http(HttpTunnelOptions.to("1").withSubdomain("one"));
                assertThatThrownBy(() -> agent.http(HttpTunnelOptions.to("1").withSubdomain("two")))
                        .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.getMessage())
                                .isEqualTo("account 'acme' has 1 tunnel online at once, the most its plan 'free'"
                                        + " allows"));

                assertThat(edge("account", "set-plan", "acme", "team").exitCode()).isZero();

                await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                        .ignoreException(AgentException.class)
                        .until(() -> agent.http(HttpTunnelOptions.to("1").withSubdomain("two")) != null);
                assertThat(agent.tunnels()).hasSize(2);
            }
        }
    }

    @Test
    void aBadOrTakenNameIsRefusedInOneLine() {
        edge("account", "create", "team");

        Cli.Result taken = edge("account", "create", "team");
        Cli.Result bad = edge("account", "create", "Team_1");

        assertThat(taken.exitCode()).isEqualTo(1);
        assertThat(taken.err()).isEqualTo("burrow: an account named 'team' already exists" + NL);
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).startsWith("burrow: account name 'Team_1' must be").hasLineCount(1);
    }

    @Test
    void aTokenForAnAccountThatDoesNotExistSaysHowToMakeIt() {
        Cli.Result created = edge("token", "create", "--account", "team", "--name", "laptop");

        assertThat(created.exitCode()).isEqualTo(1);
        assertThat(created.out()).isEmpty();
        assertThat(created.err()).contains("no account 'team'", "burrow edge account create team");
    }

    @Test
    void aScopedTokenListsItsScope() {
        edge("account", "create", "team");

        Cli.Result created = edge("token", "create", "--account", "team", "--name", "ci", "--types", "http,tls",
                "--names", "api,pr-*", "--expires", "30d");

        assertThat(created.exitCode()).isZero();
        assertThat(edge("token", "list").out())
                .containsPattern("ci +team +types=http,tls names=api,pr-\\* expires=\\S+ .* active");
    }

    @Test
    void namesAreReservedListedAndReleased() {
        edge("account", "create", "team");
        edge("account", "create", "other");

        assertThat(edge("name", "reserve", "api", "--account", "team").out())
                .isEqualTo("reserved api for account team" + NL);
        Cli.Result taken = edge("name", "reserve", "api", "--account", "other");
        edge("name", "reserve", "web", "--account", "other");

        assertThat(taken.exitCode()).isEqualTo(1);
        assertThat(taken.err()).isEqualTo("burrow: 'api' is reserved for account 'team'" + NL);
        assertThat(edge("name", "list", "--account", "team").out()).containsPattern("api +team +\\S+")
                .doesNotContain("web");
        assertThat(edge("name", "release", "api").out()).isEqualTo("released api" + NL);
        Cli.Result again = edge("name", "release", "api");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("burrow: 'api' is not reserved" + NL);
    }

    @Test
    void aBadScopeIsAUsageError() {
        Cli.Result type = edge("token", "create", "--name", "ci", "--types", "udp");
        Cli.Result expiry = edge("token", "create", "--name", "ci", "--expires", "soon");
        Cli.Result names = edge("token", "create", "--name", "ci", "--names", "a/b");

        assertThat(type.exitCode()).isEqualTo(2);
        assertThat(type.err()).contains("--types: 'udp' is not a tunnel type (http, tcp, tls)");
        assertThat(expiry.exitCode()).isEqualTo(2);
        assertThat(expiry.err()).contains("--expires: 'soon' is not a duration");
        assertThat(names.exitCode()).isEqualTo(2);
        assertThat(names.err()).contains("--names: 'a/b' is not a name or name pattern");
        assertThat(edge("token", "list").err()).contains("no tokens yet");
    }

    @Test
    void theCommandsKeepTheirStoreInPostgresWhenGivenItsUrl() throws Exception {
        DatabaseUrl database = PostgresCluster.get().newDatabaseUrl();
        String url = database.jdbcUrl().replace("jdbc:postgresql://", "postgres://" + database.user() + "@");

        assertThat(Cli.run("edge", "account", "create", "team", "--database-url", url).exitCode()).isZero();
        assertThat(Cli.run("edge", "--database-url", url, "token", "create", "--account", "team", "--name",
                "laptop").exitCode()).isZero();

        try (JdbcStore store = JdbcStore.open(database)) {
            assertThat(store.tokens().list()).singleElement().satisfies(t -> assertThat(t.account()).isEqualTo("team"));
        }
        assertThat(edge("account", "list").err()).contains("no accounts yet");
        Cli.Result bad = Cli.run("edge", "account", "list", "--database-url", "mysql://localhost/edge");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--database-url: not a PostgreSQL URL");
    }

    @Test
    void disablingAnAccountStopsItsRunningAgentWhichSaysWhyAndExitsThree(@TempDir Path agentDir) throws Exception {
        Edge running = Edge.start(EdgeConfig.builder("example.test", dataDir)
                .agentAddress(new InetSocketAddress("127.0.0.1", 0))
                .httpAddress(new InetSocketAddress("127.0.0.1", 0))
                .build());
        try (running) {
            edge("account", "create", "team");
            String token = edge("token", "create", "--account", "team", "--name", "laptop").out().strip();
            Process agent = BurrowProcess.start(agentDir, "http", "8080", "--server",
                    "127.0.0.1:" + running.agentAddress().getPort(), "--server-fingerprint",
                    running.certificateFingerprint(), "--authtoken", token, "--config",
                    agentDir.resolve("burrow.yml").toString(), "--log-level", "warn");
            try (BufferedReader out = BurrowProcess.stdout(agent)) {
                BurrowProcess.awaitLine(out, Pattern.compile("Forwarding .*"));

                assertThat(edge("account", "disable", "team").exitCode()).isZero();

                assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(agent.exitValue()).isEqualTo(3);
                assertThat(Files.readString(agentDir.resolve("stderr.txt")))
                        .contains("burrow: account 'team' was disabled");
            } finally {
                agent.destroyForcibly();
            }
        }
    }
}
