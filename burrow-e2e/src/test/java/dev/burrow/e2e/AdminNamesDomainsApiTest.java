package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.domain.LoopbackDns;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.store.Domain;
import dev.burrow.store.TokenScope;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reserved names and custom domains through the admin API, as an operator's script calls it, and as the accounts'
 * agents then meet them; domains are proven by TXT records a loopback DNS server answers.
 */
class AdminNamesDomainsApiTest {
    @TempDir
    Path dataDir;
    LoopbackDns dns;
    TunnelHarness harness;
    AdminClient admin;

    @BeforeEach
    void setUp() throws Exception {
        dns = new LoopbackDns();
        // The edge's own look for pending records waits an hour: here only the API's verify proves a domain.
        harness = new TunnelHarness(dataDir, edge -> AdminClient.listening(settings -> settings)
                .apply(edge.dnsServer(new InetSocketAddress("127.0.0.1", dns.port()))
                        .domainCheckInterval(Duration.ofHours(1))));
        admin = new AdminClient(harness.edge.adminAddress());
        harness.edge.store().accounts().create("team", "free");
        harness.edge.store().accounts().create("other", "free");
    }

    @AfterEach
    void tearDown() {
        harness.close();
        dns.close();
    }

    private Agent agentOf(String account) {
        String token = harness.edge.store().tokens().create(account, account + "-agent", TokenScope.ANY).token();
        return harness.startAgent(harness.agentBuilder().authtoken(token));
    }

    private static String errorCode(JsonNode answer) {
        return answer.get("error").get("code").asText();
    }

    private static String errorMessage(JsonNode answer) {
        return answer.get("error").get("message").asText();
    }

    private JsonNode add(String domain, String account, int status) throws Exception {
        return admin.json("POST", "/api/domains", "{\"domain\": \"" + domain + "\", \"account\": \"" + account
                + "\"}", status);
    }

    @Test
    void aNameReservedThroughTheApiIsListedAndKeptFromOtherAccountsUntilReleased() throws Exception {
        JsonNode reserved = admin.json("POST", "/api/names", "{\"name\": \"API.\", \"account\": \"team\"}", 201);
        admin.json("POST", "/api/names", "{\"name\": \"v2.api\", \"account\": \"other\"}", 201);

        assertThat(reserved.get("name").asText()).isEqualTo("api");
        assertThat(reserved.get("account").asText()).isEqualTo("team");
        assertThat(Instant.parse(reserved.get("created_at").asText())).isBeforeOrEqualTo(Instant.now());
        JsonNode all = admin.json("GET", "/api/names", null, 200).get("names");
        assertThat(all.findValuesAsText("name")).containsExactly("api", "v2.api");
        assertThat(all.findValuesAsText("account")).containsExactly("team", "other");
        assertThat(admin.json("GET", "/api/names?account=other", null, 200).get("names").findValuesAsText("name"))
                .containsExactly("v2.api");
        assertThat(admin.json("GET", "/api/names?account=nobody", null, 200).get("names")).isEmpty();

        Agent theirs = agentOf("other");
        // The edge reads reservations every 500 ms; a bind before that may still take the name.
        await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> assertThatThrownBy(
                () -> theirs.http(HttpTunnelOptions.to("1").withSubdomain("api")))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.HOSTNAME_TAKEN);
                    assertThat(e.getMessage()).isEqualTo("hostname api.burrow.test is reserved for another account");
                }));

        assertThat(admin.json("DELETE", "/api/names/api", null, 200).get("released").asText()).isEqualTo("api");
        JsonNode gone = admin.json("DELETE", "/api/names/api", null, 404);
        assertThat(errorCode(gone)).isEqualTo("no_such_name");
        assertThat(errorMessage(gone)).isEqualTo("'api' is not reserved");
        assertThat(admin.json("GET", "/api/names", null, 200).get("names").findValuesAsText("name"))
                .containsExactly("v2.api");
    }

    @Test
    void aNameReservedByAnyoneAnUnknownAccountOrAMalformedNameIsRefused() throws Exception {
        admin.json("POST", "/api/names", "{\"name\": \"api\", \"account\": \"team\"}", 201);

        JsonNode again = admin.json("POST", "/api/names", "{\"name\": \"api\", \"account\": \"team\"}", 409);
        JsonNode theirs = admin.json("POST", "/api/names", "{\"name\": \"Api\", \"account\": \"other\"}", 409);
        JsonNode nobody = admin.json("POST", "/api/names", "{\"name\": \"web\", \"account\": \"nobody\"}", 404);

        assertThat(errorCode(again)).isEqualTo("name_reserved");
        assertThat(errorMessage(again)).isEqualTo("'api' is reserved for account 'team'");
        assertThat(errorCode(theirs)).isEqualTo("name_reserved");
        assertThat(errorCode(nobody)).isEqualTo("no_such_account");
        assertThat(errorMessage(nobody)).isEqualTo("no account named 'nobody'");
        assertThat(errorMessage(admin.json("POST", "/api/names", "{\"name\": \"a_b\", \"account\": \"team\"}", 400)))
                .isEqualTo("'a_b' is not a name: one or more DNS labels, such as api or v2.api");
        assertThat(errorMessage(admin.json("POST", "/api/names", "{\"name\": \"web\"}", 400)))
                .isEqualTo("'account' is required");
        assertThat(errorMessage(admin.json("POST", "/api/names", "{\"account\": \"team\"}", 400)))
                .isEqualTo("'name' is required");
        assertThat(errorMessage(admin.json("POST", "/api/names",
                "{\"name\": \"web\", \"account\": \"team\", \"for\": \"1d\"}", 400)))
                .isEqualTo("unknown field 'for'; known: account, name");
        assertThat(errorMessage(admin.json("POST", "/api/names", "{\"name\": [\"web\"], \"account\": \"team\"}",
                400))).isEqualTo("'name' must be a string");
        assertThat(errorCode(admin.json("DELETE", "/api/names/a_b", null, 400))).isEqualTo("bad_request");
        assertThat(admin.json("GET", "/api/names", null, 200).get("names")).hasSize(1);
    }

    @Test
    void aDomainAddedThroughTheApiShowsItsRecordAndIsBoundOnceVerified() throws Exception {
        JsonNode added = add("App.Customer.test", "team", 201);

        Domain stored = harness.edge.store().domains().find("app.customer.test").orElseThrow();
        assertThat(added.get("domain").asText()).isEqualTo("app.customer.test");
        assertThat(added.get("account").asText()).isEqualTo("team");
        assertThat(added.get("verified").asBoolean()).isFalse();
        assertThat(added.get("verified_at").isNull()).isTrue();
        assertThat(added.get("created_at").asText()).isEqualTo(stored.createdAt().toString());
        assertThat(added.get("txt_record").get("name").asText()).isEqualTo("_burrow-challenge.app.customer.test");
        assertThat(added.get("txt_record").get("value").asText()).isEqualTo("burrow-verify=" + stored.challenge());
        String value = added.get("txt_record").get("value").asText();

        JsonNode missing = admin.json("POST", "/api/domains/app.customer.test/verify", null, 409);
        assertThat(errorCode(missing)).isEqualTo("domain_not_verified");
        assertThat(errorMessage(missing)).isEqualTo("domain app.customer.test is not verified: there is no TXT record"
                + " _burrow-challenge.app.customer.test (asked DNS server 127.0.0.1:" + dns.port() + "); create it"
                + " with the value " + value);
        dns.txt("_burrow-challenge.app.customer.test", "burrow-verify=wrong");
        assertThat(errorMessage(admin.json("POST", "/api/domains/app.customer.test/verify", null, 409)))
                .isEqualTo("domain app.customer.test is not verified: the TXT record"
                        + " _burrow-challenge.app.customer.test holds \"burrow-verify=wrong\", not \"" + value + "\"");
        Agent agent = agentOf("team");
        assertThatThrownBy(() -> agent.http(HttpTunnelOptions.to("1").withHostname("app.customer.test")))
                .isInstanceOfSatisfying(AgentException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.HOSTNAME_INVALID));

        dns.txt("_burrow-challenge.app.customer.test", value);
        JsonNode verified = admin.json("POST", "/api/domains/app.customer.test/verify", null, 200);

        assertThat(verified.get("verified").asBoolean()).isTrue();
        assertThat(Instant.parse(verified.get("verified_at").asText())).isAfterOrEqualTo(stored.createdAt());
        assertThat(agent.http(HttpTunnelOptions.to("1").withHostname("app.customer.test")).url())
                .startsWith("http://app.customer.test:");
        dns.txt("_burrow-challenge.app.customer.test");
        assertThat(admin.json("POST", "/api/domains/app.customer.test/verify", null, 200).get("verified_at"))
                .isEqualTo(verified.get("verified_at"));
    }

    @Test
    void aWildcardIsProvenByTheRecordOfItsParent() throws Exception {
        String value = add("*.customer.test", "team", 201).get("txt_record").get("value").asText();
        dns.txt("_burrow-challenge.customer.test", value);

        JsonNode verified = admin.json("POST", "/api/domains/*.customer.test/verify", null, 200);

        assertThat(verified.get("domain").asText()).isEqualTo("*.customer.test");
        assertThat(verified.get("txt_record").get("name").asText()).isEqualTo("_burrow-challenge.customer.test");
        assertThat(verified.get("verified").asBoolean()).isTrue();
        assertThat(agentOf("team").http(HttpTunnelOptions.to("1").withHostname("shop.customer.test")).url())
                .startsWith("http://shop.customer.test:");
    }

    @Test
    void domainsAreListedByNameOrForOneAccountAndRemoved() throws Exception {
        add("shop.example.test", "other", 201);
        add("app.customer.test", "team", 201);

        JsonNode all = admin.json("GET", "/api/domains", null, 200).get("domains");
        assertThat(all.findValuesAsText("domain")).containsExactly("app.customer.test", "shop.example.test");
        assertThat(all.get(0).get("txt_record").get("name").asText())
                .isEqualTo("_burrow-challenge.app.customer.test");
        assertThat(admin.json("GET", "/api/domains?account=other", null, 200).get("domains")
                .findValuesAsText("domain")).containsExactly("shop.example.test");

        assertThat(admin.json("DELETE", "/api/domains/Shop.Example.test", null, 200).get("removed").asText())
                .isEqualTo("shop.example.test");
        JsonNode gone = admin.json("DELETE", "/api/domains/shop.example.test", null, 404);
        assertThat(errorCode(gone)).isEqualTo("no_such_domain");
        assertThat(errorMessage(gone)).isEqualTo("no domain 'shop.example.test'");
        assertThat(admin.json("GET", "/api/domains", null, 200).get("domains").findValuesAsText("domain"))
                .containsExactly("app.customer.test");
        add("shop.example.test", "team", 201);
    }

    @Test
    void theEdgesOwnNamesADomainHeldAlreadyUnknownAccountsAndNonDomainsAreRefused() throws Exception {
        add("app.customer.test", "team", 201);

        for (String own : new String[] {"burrow.test", "*.burrow.test", "x.Burrow.test"}) {
            JsonNode refused = add(own, "team", 400);
            assertThat(errorCode(refused)).isEqualTo("bad_request");
            assertThat(errorMessage(refused)).isEqualTo("domain '" + own.toLowerCase(Locale.ROOT) + "' is under the"
                    + " edge's own domain burrow.test, whose names any account binds without a domain");
        }
        JsonNode held = add("app.customer.test", "other", 409);
        assertThat(errorCode(held)).isEqualTo("domain_exists");
        assertThat(errorMessage(held)).isEqualTo("domain 'app.customer.test' belongs to account 'team'");
        assertThat(errorMessage(add("app.customer.test", "team", 409)))
                .isEqualTo("account 'team' has domain 'app.customer.test' already");
        JsonNode nobody = add("shop.customer.test", "nobody", 404);
        assertThat(errorCode(nobody)).isEqualTo("no_such_account");
        assertThat(errorMessage(add("app_1.customer.test", "team", 400))).startsWith("'app_1.customer.test' is not a"
                + " domain");
        assertThat(errorMessage(add("localhost", "team", 400))).startsWith("'localhost' is not a domain");
        assertThat(errorMessage(admin.json("POST", "/api/domains", "{\"account\": \"team\"}", 400)))
                .isEqualTo("'domain' is required");
        assertThat(errorMessage(admin.json("POST", "/api/domains", "{\"domain\": \"a.test\"}", 400)))
                .isEqualTo("'account' is required");
        assertThat(errorMessage(admin.json("POST", "/api/domains",
                "{\"domain\": \"a.test\", \"account\": \"team\", \"verify\": true}", 400)))
                .isEqualTo("unknown field 'verify'; known: account, domain");
        JsonNode unknown = admin.json("POST", "/api/domains/nothing.test/verify", null, 404);
        assertThat(errorCode(unknown)).isEqualTo("no_such_domain");
        assertThat(admin.json("GET", "/api/domains", null, 200).get("domains")).hasSize(1);
    }

    @Test
    void verifyWhenDnsDoesNotAnswerSaysSoAndLeavesTheDomainPending() throws Exception {
        add("app.customer.test", "team", 201);
        int gone = dns.port();
        // The edge's DNS server is gone: its port refuses, or nothing answers until the look-up's time is up.
        dns.close();

        JsonNode refused = admin.json("POST", "/api/domains/app.customer.test/verify", null, 409);

        assertThat(errorCode(refused)).isEqualTo("domain_not_verified");
        assertThat(errorMessage(refused)).isEqualTo("domain app.customer.test is not verified: could not look up the"
                + " TXT record _burrow-challenge.app.customer.test: DNS server 127.0.0.1:" + gone
                + " did not answer (2 tries, 3 s at most)");
        assertThat(admin.json("GET", "/api/domains", null, 200).get("domains").get(0).get("verified").asBoolean())
                .isFalse();
    }
}
