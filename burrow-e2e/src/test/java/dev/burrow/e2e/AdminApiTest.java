package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.edge.admin.OperatorSettings;
import dev.burrow.protocol.ErrorCode;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's API end to end: a real edge with its admin listener, real agents and public requests, and calls
 * made over HTTP/1.1 as a script would make them.
 */
class AdminApiTest {
    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;
    AdminClient admin;

    @BeforeEach
    void setUp() throws Exception {
        harness = new TunnelHarness(dataDir, AdminClient.listening(settings -> settings));
        upstream = new TestUpstream();
        admin = new AdminClient(harness.edge.adminAddress());
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
    }

    private Agent serving(String token, String subdomain) {
        Agent agent = harness.startAgent(harness.agentBuilder().authtoken(token));
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain(subdomain));
        return agent;
    }

    private static void assertStoppedBy(Agent agent, ErrorCode code, String message) {
        TunnelHarness.assertStoppedBy(agent, code, message, Duration.ofSeconds(5));
    }

    @Test
    void sessionsAndTunnelsCarryWhatTheyServed() throws Exception {
        serving(harness.token, "web");
        for (int i = 0; i < 3; i++) {
            assertThat(harness.get("web.burrow.test", "/").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> upload = harness.client.send(harness.request("web.burrow.test", "/count")
                .POST(HttpRequest.BodyPublishers.ofString("12345")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(upload.body()).isEqualTo("5");

        JsonNode tunnels = admin.json("GET", "/api/tunnels", null, 200).get("tunnels");
        assertThat(tunnels).hasSize(1);
        JsonNode tunnel = tunnels.get(0);
        assertThat(tunnel.get("type").asText()).isEqualTo("http");
        assertThat(tunnel.get("url").asText()).startsWith("http://web.burrow.test");
        assertThat(tunnel.get("account").asText()).isEqualTo("default");
        assertThat(tunnel.get("requests").asLong()).isEqualTo(4);
        assertThat(tunnel.get("bytes_in").asLong()).isEqualTo(5);
        assertThat(tunnel.get("bytes_out").asLong()).isGreaterThan(1);
        assertThat(tunnel.get("open").asInt()).isZero();

        JsonNode sessions = admin.json("GET", "/api/sessions", null, 200).get("sessions");
        assertThat(sessions).hasSize(1);
        JsonNode session = sessions.get(0);
        assertThat(session.get("account").asText()).isEqualTo("default");
        assertThat(session.get("token").asText()).isEqualTo("test-agent");
        assertThat(session.get("remote_addr").asText()).startsWith("127.0.0.1:");
        assertThat(session.get("connected_at").asText()).isNotEqualTo("null");
        assertThat(session.get("requests").asLong()).isEqualTo(4);
        assertThat(session.get("bytes_in").asLong()).isEqualTo(5);
        assertThat(session.get("tunnels").get(0).get("id").asText()).isEqualTo(tunnel.get("id").asText());
        assertThat(tunnel.get("session").asText()).isEqualTo(session.get("id").asText());
        assertThat(admin.json("GET", "/api/sessions/" + session.get("id").asText(), null, 200).get("token")
                .asText()).isEqualTo("test-agent");
    }

    @Test
    void endingASessionStopsItsAgentWithTheOperatorsReason() throws Exception {
        Agent agent = serving(harness.token, "gone");
        String id = admin.json("GET", "/api/sessions", null, 200).get("sessions").get(0).get("id").asText();

        JsonNode ended = admin.json("DELETE", "/api/sessions/" + id + "?reason=maintenance", null, 200);

        assertThat(ended.get("ended").asText()).isEqualTo(id);
        assertStoppedBy(agent, ErrorCode.SESSION_ENDED, "ended by the edge's operator: maintenance");
        await().atMost(Duration.ofSeconds(5)).until(() -> harness.edge.tunnels().isEmpty());
        assertThat(admin.json("DELETE", "/api/sessions/" + id, null, 404).get("error").get("code").asText())
                .isEqualTo("no_such_session");
    }

    @Test
    void revokingATokenThroughTheApiEndsItsSessions() throws Exception {
        admin.json("POST", "/api/accounts", "{\"name\": \"team\"}", 201);
        JsonNode created = admin.json("POST", "/api/tokens",
                "{\"name\": \"laptop\", \"account\": \"team\", \"types\": [\"http\"]}", 201);
        assertThat(created.get("token").asText()).isNotBlank();
        assertThat(created.get("scope").get("types").get(0).asText()).isEqualTo("http");
        Agent agent = serving(created.get("token").asText(), "laptop");

        admin.json("DELETE", "/api/tokens/laptop", null, 200);

        assertStoppedBy(agent, ErrorCode.AUTH_REVOKED, "authtoken 'laptop' was revoked");
        JsonNode listed = admin.json("GET", "/api/tokens?account=team", null, 200).get("tokens");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("status").asText()).isEqualTo("revoked");
        assertThat(listed.get(0).has("token")).isFalse();
        admin.json("DELETE", "/api/tokens/laptop", null, 404);
    }

    @Test
    void disablingAnAccountThroughTheApiEndsItsSessionsAndEnablingLetsItBack() throws Exception {
        admin.json("POST", "/api/accounts", "{\"name\": \"team\", \"plan\": \"pro\"}", 201);
        String token = admin.json("POST", "/api/tokens", "{\"name\": \"one\", \"account\": \"team\"}", 201)
                .get("token").asText();
        Agent agent = serving(token, "team");
        Agent other = serving(harness.token, "other");

        JsonNode disabled = admin.json("POST", "/api/accounts/team/disable", null, 200);

        assertThat(disabled.get("enabled").asBoolean()).isFalse();
        assertStoppedBy(agent, ErrorCode.AUTH_REVOKED, "account 'team' was disabled");
        assertThat(other.stopped()).isNotDone();
        assertThat(admin.json("POST", "/api/accounts/team/enable", null, 200).get("enabled").asBoolean()).isTrue();
        serving(token, "back");
        JsonNode shown = admin.json("GET", "/api/accounts/team", null, 200);
        assertThat(shown.get("plan").asText()).isEqualTo("pro");
        assertThat(shown.get("tokens")).hasSize(1);
        assertThat(shown.get("sessions")).hasSize(1);
    }

    @Test
    void accountsAreListedCreatedOnceAndDeleted() throws Exception {
        admin.json("POST", "/api/accounts", "{\"name\": \"team\"}", 201);

        assertThat(admin.json("POST", "/api/accounts", "{\"name\": \"team\"}", 409).get("error").get("code")
                .asText()).isEqualTo("account_exists");
        assertThat(admin.json("GET", "/api/accounts", null, 200).get("accounts").findValuesAsText("name"))
                .contains("team");
        admin.json("POST", "/api/accounts", "{\"name\": \"Not Valid\"}", 400);
        admin.json("POST", "/api/tokens", "{\"name\": \"x\", \"account\": \"nobody\"}", 404);
        admin.json("POST", "/api/tokens", "{\"name\": \"x\", \"types\": [\"udp\"]}", 400);
        admin.json("POST", "/api/tokens", "{\"name\": \"x\", \"expires\": \"1d\"}", 400);
        admin.json("POST", "/api/tokens", "{\"name\": \"dup\"}", 201);
        admin.json("POST", "/api/tokens", "{\"name\": \"dup\"}", 409);
        admin.json("DELETE", "/api/accounts/team", null, 200);
        admin.json("DELETE", "/api/accounts/team", null, 404);
        admin.json("GET", "/api/accounts/team", null, 404);
    }

    @Test
    void withoutTheTokenOrWithAWrongOneTheApiAnswers401ThenThrottles() throws Exception {
        HttpResponse<String> none = admin.send(admin.request("/api/sessions"));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer"));
        assertThat(AdminClient.parse(none.body()).get("error").get("code").asText()).isEqualTo("unauthorized");

        // Five failures at once from an address, as on the agent port: the fifth leaves no room and says so.
        for (int i = 0; i < 3; i++) {
            assertThat(admin.send(admin.request("/api/sessions").header("Authorization", "Bearer wrong"))
                    .statusCode()).isEqualTo(401);
        }
        HttpResponse<String> throttled = admin.send(admin.request("/api/sessions")
                .header("Authorization", "Bearer wrong"));
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        assertThat(admin.send(admin.request("/healthz")).statusCode()).isEqualTo(200);
        assertThat(admin.send(admin.request("/metrics")).statusCode()).isEqualTo(429);
    }

    @Test
    void metricsArePublicOnlyWhenAskedAndTheApiStillNeedsTheToken(@TempDir Path otherDir) throws Exception {
        try (TunnelHarness open = new TunnelHarness(otherDir,
                AdminClient.listening(settings -> settings.withMetricsPublic(true)))) {
            AdminClient scraper = new AdminClient(open.edge.adminAddress());

            assertThat(scraper.send(scraper.request("/metrics")).statusCode()).isEqualTo(200);
            assertThat(scraper.send(scraper.request("/api/tunnels")).statusCode()).isEqualTo(401);
        }
        assertThat(admin.send(admin.request("/metrics")).statusCode()).isEqualTo(401);
    }

    @Test
    void withoutAGivenTokenTheEdgeMakesOneOwnerOnlyAndKeepsItAcrossRestarts(@TempDir Path otherDir)
            throws Exception {
        UnaryOperator<EdgeConfig.Builder> madeToken = builder -> builder.operator(OperatorSettings.NONE
                .withAdmin(new InetSocketAddress("127.0.0.1", 0), null));
        Path file = otherDir.resolve("admin-token");
        try (TunnelHarness made = new TunnelHarness(otherDir, madeToken)) {
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            String token = Files.readString(file).strip();
            AdminClient client = new AdminClient(made.edge.adminAddress());

            assertThat(client.send(client.request("/api/tunnels").header("Authorization", "Bearer " + token))
                    .statusCode()).isEqualTo(200);
            made.restartEdge();
            client = new AdminClient(made.edge.adminAddress());
            assertThat(client.send(client.request("/api/tunnels").header("Authorization", "Bearer " + token))
                    .statusCode()).isEqualTo(200);
            assertThat(Files.readString(file).strip()).isEqualTo(token);
        }
    }

    @Test
    void badInputIsAnsweredWithItsStatus() throws Exception {
        assertThat(admin.json("POST", "/api/accounts", "{\"name\": ", 400).get("error").get("code").asText())
                .isEqualTo("bad_request");
        admin.json("POST", "/api/accounts", "[1, 2]", 400);
        admin.json("POST", "/api/accounts", "{\"name\": \"a\", \"extra\": 1}", 400);
        admin.json("GET", "/api/nothing", null, 404);
        admin.json("GET", "/ui/nothing.js", null, 404);

        HttpResponse<String> wrongMethod = admin.call("PUT", "/api/accounts", "{}");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET, POST");
        assertThat(AdminClient.parse(wrongMethod.body()).get("error").get("code").asText())
                .isEqualTo("method_not_allowed");

        HttpResponse<String> notJson = admin.send(admin.request("/api/accounts")
                .header("Authorization", "Bearer " + AdminClient.TOKEN).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("name=team")));
        assertThat(notJson.statusCode()).isEqualTo(415);

        HttpResponse<String> tooLarge = admin.call("POST", "/api/accounts",
                "{\"name\": \"" + "a".repeat(70 * 1024) + "\"}");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(AdminClient.parse(tooLarge.body()).get("error").get("code").asText())
                .isEqualTo("body_too_large");
        admin.json("GET", "/api/accounts", null, 200);
    }
}
