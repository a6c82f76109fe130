package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.Plan;
import dev.burrow.edge.Plans;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.store.TokenScope;
import dev.burrow.store.Usage;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans, an account's plan and usage through the admin API, as an operator's script calls it and as the account's
 * agent then meets the plan.
 */
class AdminPlansApiTest {
    private static final long GIB = 1L << 30;
    private static final Plans PLANS = new Plans(Map.of(
            "free", new Plan("free", 1, null, null, null, GIB),
            "pro", new Plan("pro", 3, 2, 50, 600, 100 * GIB)));
    private static final List<String> LIMITS = List.of("name", "tunnels", "tcp_ports", "connections",
            "requests_per_minute", "bandwidth_per_month");

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    AdminClient admin;
    /** This month as the edge keeps usage by: UTC. */
    final String thisMonth = YearMonth.now(ZoneOffset.UTC).toString();

    @BeforeEach
    void setUp() {
        harness = new TunnelHarness(dataDir, edge -> AdminClient.listening(settings -> settings)
                .apply(edge.plans(PLANS)));
        admin = new AdminClient(harness.edge.adminAddress());
        harness.edge.store().accounts().create("team", "free");
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String errorCode(JsonNode answer) {
        return answer.get("error").get("code").asText();
    }

    private static String errorMessage(JsonNode answer) {
        return answer.get("error").get("message").asText();
    }

    @Test
    void plansAreListedByNameWithTheirLimitsAndHowManyAccountsAreOnEach() throws Exception {
        harness.edge.store().accounts().create("shop", "pro");
        harness.edge.store().accounts().create("agency", "pro");
        harness.edge.store().accounts().create("typo", "enterprize");

        JsonNode plans = admin.json("GET", "/api/plans", null, 200).get("plans");

        assertThat(plans.findValuesAsText("name")).containsExactly("free", "pro");
        JsonNode free = plans.get(0);
        assertThat(fieldNames(free)).containsExactly("name", "tunnels", "tcp_ports", "connections",
                "requests_per_minute", "bandwidth_per_month", "accounts");
        assertThat(free.get("tunnels").asInt()).isEqualTo(1);
        assertThat(free.get("tcp_ports").isNull()).isTrue();
        assertThat(free.get("connections").isNull()).isTrue();
        assertThat(free.get("requests_per_minute").isNull()).isTrue();
        assertThat(free.get("bandwidth_per_month").asLong()).isEqualTo(GIB);
        // The default account, which the harness's token made, and team; typo names a plan the edge lacks.
        assertThat(free.get("accounts").asInt()).isEqualTo(2);
        JsonNode pro = plans.get(1);
        assertThat(pro.get("tunnels").asInt()).isEqualTo(3);
        assertThat(pro.get("tcp_ports").asInt()).isEqualTo(2);
        assertThat(pro.get("connections").asInt()).isEqualTo(50);
        assertThat(pro.get("requests_per_minute").asInt()).isEqualTo(600);
        assertThat(pro.get("bandwidth_per_month").asLong()).isEqualTo(100 * GIB);
        assertThat(pro.get("accounts").asInt()).isEqualTo(2);
    }

    @Test
    void aPlanIsSetAndTheAnswerSaysWhetherTheEdgeDefinesIt() throws Exception {
        JsonNode pro = admin.json("POST", "/api/accounts/team/plan", "{\"plan\": \"pro\"}", 200);

        assertThat(pro.get("name").asText()).isEqualTo("team");
        assertThat(pro.get("plan").asText()).isEqualTo("pro");
        assertThat(pro.get("plan_defined").asBoolean()).isTrue();
        assertThat(fieldNames(pro.get("limits"))).isEqualTo(LIMITS);
        assertThat(pro.get("limits").get("tunnels").asInt()).isEqualTo(3);
        assertThat(admin.json("GET", "/api/accounts", null, 200).get("accounts").get(1).get("plan").asText())
                .isEqualTo("pro");

        JsonNode unknown = admin.json("POST", "/api/accounts/team/plan", "{\"plan\": \"enterprize\"}", 200);

        assertThat(unknown.get("plan").asText()).isEqualTo("enterprize");
        assertThat(unknown.get("plan_defined").asBoolean()).isFalse();
        assertThat(unknown.get("limits").get("name").asText()).isEqualTo("free");
        assertThat(unknown.get("limits").get("tunnels").asInt()).isEqualTo(1);
    }

    @Test
    void aPlanForNoAccountOrAMalformedOneIsRefused() throws Exception {
        JsonNode nobody = admin.json("POST", "/api/accounts/nobody/plan", "{\"plan\": \"pro\"}", 404);
        assertThat(errorCode(nobody)).isEqualTo("no_such_account");
        assertThat(errorMessage(nobody)).isEqualTo("no account named 'nobody'");

        assertThat(errorMessage(admin.json("POST", "/api/accounts/team/plan", "{}", 400)))
                .isEqualTo("'plan' is required");
        assertThat(errorMessage(admin.json("POST", "/api/accounts/team/plan", "{\"plan\": null}", 400)))
                .isEqualTo("'plan' is required");
        assertThat(errorMessage(admin.json("POST", "/api/accounts/team/plan", "{\"plan\": 3}", 400)))
                .isEqualTo("'plan' must be a string");
        assertThat(errorMessage(admin.json("POST", "/api/accounts/team/plan", "{\"plan\": \" \"}", 400)))
                .isEqualTo("a plan's name must not be blank");
        assertThat(errorMessage(admin.json("POST", "/api/accounts/team/plan",
                "{\"plan\": \"pro\", \"tier\": \"gold\"}", 400))).isEqualTo("unknown field 'tier'; known: plan");
        assertThat(errorMessage(admin.json("POST", "/api/accounts/team/plan", null, 400)))
                .isEqualTo("the request needs a JSON object as its body");
        assertThat(errorMessage(admin.json("POST", "/api/accounts/Team_1/plan", "{\"plan\": \"pro\"}", 400)))
                .startsWith("account name 'Team_1' must be");
        assertThat(errorCode(admin.json("POST", "/api/accounts/team/plan", "{\"plan\": ", 400)))
                .isEqualTo("bad_request");
        HttpResponse<String> wrongMethod = admin.call("GET", "/api/accounts/team/plan", null);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");

        assertThat(admin.json("GET", "/api/accounts/team", null, 200).get("plan").asText()).isEqualTo("free");
    }

    @Test
    void aPlanSetWhileTheAccountsAgentIsConnectedAppliesToItsNextBind() throws Exception {
        String token = harness.edge.store().tokens().create("team", "laptop", TokenScope.ANY).token();
        Agent agent = harness.startAgent(harness.agentBuilder().authtoken(token));
        agent.http(HttpTunnelOptions.to("1").withSubdomain("one"));
        assertThatThrownBy(() -> agent.http(HttpTunnelOptions.to("1").withSubdomain("two")))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
                    assertThat(e.getMessage()).isEqualTo("account 'team' has 1 tunnel online at once, the most its"
                            + " plan 'free' allows");
                });

        admin.json("POST", "/api/accounts/team/plan", "{\"plan\": \"pro\"}", 200);

        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .ignoreException(AgentException.class)
                .until(() -> agent.http(HttpTunnelOptions.to("1").withSubdomain("two")) != null);
        assertThat(admin.json("GET", "/api/tunnels", null, 200).get("tunnels").findValuesAsText("account"))
                .containsExactly("team", "team");
    }

    @Test
    void anAccountShowsItsPlansLimitsAndWhatItUsedThisMonth() throws Exception {
        String lastMonth = YearMonth.now(ZoneOffset.UTC).minusMonths(1).toString();
        harness.edge.store().usage().add(List.of(new Usage("team", thisMonth, 12, 3_400, 56_000),
                new Usage("team", lastMonth, 99, 99, 99)));
        harness.edge.store().usage().add(List.of(new Usage("team", thisMonth, 1, 600, 0)));

        JsonNode shown = admin.json("GET", "/api/accounts/team", null, 200);

        assertThat(fieldNames(shown)).containsExactly("name", "plan", "enabled", "created_at", "disabled_at",
                "plan_defined", "limits", "usage", "tokens", "sessions");
        assertThat(shown.get("plan_defined").asBoolean()).isTrue();
        assertThat(fieldNames(shown.get("limits"))).isEqualTo(LIMITS);
        assertThat(shown.get("limits").get("name").asText()).isEqualTo("free");
        assertThat(shown.get("limits").get("bandwidth_per_month").asLong()).isEqualTo(GIB);
        assertThat(shown.get("limits").get("tcp_ports").isNull()).isTrue();
        JsonNode usage = shown.get("usage");
        assertThat(usage.get("period").asText()).isEqualTo(thisMonth);
        assertThat(usage.get("requests").asLong()).isEqualTo(13);
        assertThat(usage.get("bytes_in").asLong()).isEqualTo(4_000);
        assertThat(usage.get("bytes_out").asLong()).isEqualTo(56_000);

        harness.edge.store().accounts().create("quiet", "free");
        JsonNode quiet = admin.json("GET", "/api/accounts/quiet", null, 200).get("usage");
        assertThat(quiet.get("requests").asLong()).isZero();
        assertThat(quiet.get("bytes_in").asLong()).isZero();
        assertThat(quiet.get("bytes_out").asLong()).isZero();
    }

    @Test
    void usageListsEachAccountsMonthBesideItsPlansBandwidth() throws Exception {
        harness.edge.store().accounts().create("shop", "pro");
        harness.edge.store().accounts().create("typo", "enterprize");
        harness.edge.store().accounts().create("open", "unlimited");
        harness.edge.replacePlans(new Plans(Map.of("free", PLANS.of("free"), "pro", PLANS.of("pro"),
                "unlimited", Plan.unlimited("unlimited"))));
        harness.edge.store().usage().add(List.of(new Usage("team", thisMonth, 5, 10, 20),
                new Usage("shop", thisMonth, 7, 30, 40), new Usage("typo", thisMonth, 1, 1, 1),
                new Usage("open", thisMonth, 2, 2, 2), new Usage("team", "2025-01", 100, 200, 300)));

        JsonNode now = admin.json("GET", "/api/usage", null, 200);

        assertThat(now.get("period").asText()).isEqualTo(thisMonth);
        JsonNode rows = now.get("usage");
        assertThat(rows.findValuesAsText("account")).containsExactly("open", "shop", "team", "typo");
        assertThat(fieldNames(rows.get(0))).containsExactly("account", "requests", "bytes_in", "bytes_out",
                "bandwidth_per_month");
        assertThat(rows.get(0).get("bandwidth_per_month").isNull()).isTrue();
        assertThat(rows.get(1).get("requests").asLong()).isEqualTo(7);
        assertThat(rows.get(1).get("bytes_in").asLong()).isEqualTo(30);
        assertThat(rows.get(1).get("bytes_out").asLong()).isEqualTo(40);
        assertThat(rows.get(1).get("bandwidth_per_month").asLong()).isEqualTo(100 * GIB);
        assertThat(rows.get(2).get("bandwidth_per_month").asLong()).isEqualTo(GIB);
        // An account on a plan the edge lacks is held to free's.
        assertThat(rows.get(3).get("bandwidth_per_month").asLong()).isEqualTo(GIB);

        JsonNode january = admin.json("GET", "/api/usage?period=2025-01", null, 200);
        assertThat(january.get("period").asText()).isEqualTo("2025-01");
        assertThat(january.get("usage").findValuesAsText("account")).containsExactly("team");
        assertThat(january.get("usage").get(0).get("requests").asLong()).isEqualTo(100);
        assertThat(admin.json("GET", "/api/usage?period=2020-02", null, 200).get("usage")).isEmpty();
    }

    @Test
    void aPeriodThatIsNotAMonthIsRefused() throws Exception {
        for (String period : List.of("2025-13", "2025-00", "2025-1", "25-01", "2025-01-01", "%2B12025-01", "january",
                "")) {
            JsonNode refused = admin.json("GET", "/api/usage?period=" + period, null, 400);
            assertThat(errorCode(refused)).isEqualTo("bad_request");
            assertThat(errorMessage(refused)).endsWith("is not a month: give YYYY-MM, such as 2026-12");
        }
    }
}
