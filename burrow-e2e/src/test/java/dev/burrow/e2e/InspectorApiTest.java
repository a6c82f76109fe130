package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.agent.inspect.InspectorServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's inspector API over real HTTP: status, tunnels, captured requests, replay, and who may call it. */
class InspectorApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;
    Agent agent;
    AgentTunnel tunnel;
    InspectorServer inspector;

    @BeforeEach
    void setUp() throws Exception {
        harness = new TunnelHarness(dataDir);
        upstream = new TestUpstream();
        agent = harness.startAgent(harness.agentBuilder().inspect(new ExchangeLog(100, 512, 1024 * 1024)));
        tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));
        inspector = InspectorServer.start(agent, new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void tearDown() {
        inspector.close();
        harness.close();
        upstream.close();
    }

    @Test
    void statusAndTunnelsDescribeTheSession() throws Exception {
        JsonNode status = api("GET", "/api/status").json();
        JsonNode tunnels = api("GET", "/api/tunnels").json();

        assertThat(status.get("connected").asBoolean()).isTrue();
        assertThat(status.get("edge").asText()).isEqualTo("127.0.0.1:" + harness.edge.agentAddress().getPort());
        assertThat(status.get("edge_id").asText()).isEqualTo("edge-1");
        assertThat(status.get("reconnects").asInt()).isZero();
        assertThat(status.get("tunnels").asInt()).isEqualTo(1);
        assertThat(tunnels.get("tunnels").get(0).get("url").asText()).isEqualTo(tunnel.url());
        assertThat(tunnels.get("tunnels").get(0).get("forwards_to").asText())
                .isEqualTo("http://localhost:" + upstream.port());
    }

    @Test
    void aRequestThroughTheTunnelIsListedFetchedAndReplayed() throws Exception {
        harness.client.send(harness.request(tunnel.hostname(), "/echo/first").header("X-Trace", "t1")
                .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
        long id = awaitListed("/echo/first");

        JsonNode detail = api("GET", "/api/requests/" + id).json();

        assertThat(detail.get("method").asText()).isEqualTo("POST");
        assertThat(detail.get("status").asInt()).isEqualTo(200);
        assertThat(detail.get("request").get("headers").toString()).contains("[\"x-trace\",\"t1\"]");
        assertThat(decode(detail.get("request").get("body"))).isEqualTo("hello");
        assertThat(decode(detail.get("response").get("body"))).contains("method=POST").contains("body=hello");

        Reply replay = api("POST", "/api/requests/" + id + "/replay");

        assertThat(replay.status()).isEqualTo(201);
        long replayId = replay.json().get("id").asLong();
        assertThat(replay.json().get("replay_of").asLong()).isEqualTo(id);
        JsonNode replayed = api("GET", "/api/requests/" + replayId).json();
        assertThat(replayed.get("status").asInt()).isEqualTo(200);
        assertThat(decode(replayed.get("response").get("body"))).contains("method=POST").contains("body=hello")
                .contains("h:x-trace=t1");
        assertThat(api("GET", "/api/requests").json().get("requests")).hasSize(2);
    }

    @Test
    void listFiltersByPathTextAndStatus() throws Exception {
        harness.get(tunnel.hostname(), "/alpha");
        harness.get(tunnel.hostname(), "/echo/beta");
        awaitListed("/echo/beta");
        awaitListed("/alpha");

        JsonNode byPath = api("GET", "/api/requests?path=beta").json().get("requests");
        JsonNode byStatus = api("GET", "/api/requests?status=404").json().get("requests");

        assertThat(byPath).hasSize(1);
        assertThat(byPath.get(0).get("uri").asText()).isEqualTo("/echo/beta");
        assertThat(byStatus).isEmpty();
    }

    @Test
    void replayWithEditsSendsTheChangedRequest() throws Exception {
        harness.client.send(harness.request(tunnel.hostname(), "/echo/original")
                .POST(HttpRequest.BodyPublishers.ofString("before")).build(), HttpResponse.BodyHandlers.ofString());
        long id = awaitListed("/echo/original");
        String edits = "{\"method\":\"PUT\",\"uri\":\"/echo/edited\",\"headers\":[[\"x-edit\",\"yes\"]],"
                + "\"body_base64\":\"" + Base64.getEncoder().encodeToString("after".getBytes(StandardCharsets.UTF_8))
                + "\"}";

        Reply replay = send(HttpRequest.newBuilder(inspectorUri("/api/requests/" + id + "/replay"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(edits)).build());

        assertThat(replay.status()).isEqualTo(201);
        JsonNode replayed = api("GET", "/api/requests/" + replay.json().get("id").asLong()).json();
        assertThat(decode(replayed.get("response").get("body"))).contains("method=PUT").contains("uri=/echo/edited")
                .contains("h:x-edit=yes").contains("body=after");
    }

    @Test
    void theEventStreamPushesEachExchangeAsItHappens() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        harness.client.sendAsync(HttpRequest.newBuilder(inspectorUri("/api/events")).GET().build(),
                HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> response.body()
                .filter(line -> line.startsWith("data:") && line.contains("/echo/live"))
                .findFirst().ifPresent(seen::complete));

        harness.get(tunnel.hostname(), "/echo/live");

        assertThat(seen.get(20, TimeUnit.SECONDS)).contains("\"method\":\"GET\"");
    }

    @Test
    void thePageIsServedWithAPolicyThatLoadsNothingFromElsewhere() throws Exception {
        HttpResponse<String> page = harness.client.send(HttpRequest.newBuilder(inspectorUri("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> script = harness.client.send(HttpRequest.newBuilder(inspectorUri("/inspector.js")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Burrow inspector</title>");
        assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(policy ->
                assertThat(policy).contains("default-src 'self'"));
        assertThat(script.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
    }

    @Test
    void aRequestWhoseBodyWasCutCannotBeReplayed() throws Exception {
        harness.client.send(harness.request(tunnel.hostname(), "/count")
                .POST(HttpRequest.BodyPublishers.ofString("z".repeat(1000))).build(),
                HttpResponse.BodyHandlers.ofString());
        long id = awaitListed("/count");

        Reply replay = api("POST", "/api/requests/" + id + "/replay");

        assertThat(replay.status()).isEqualTo(409);
        assertThat(replay.json().get("message").asText()).contains("cut at 512 of 1000 bytes");
    }

    @Test
    void requestsForAnotherHostOrFromAnotherOriginAreRefused() throws Exception {
        harness.get(tunnel.hostname(), "/x");
        long id = awaitListed("/x");

        Reply rebound = send(HttpRequest.newBuilder(inspectorUri("/api/requests")).header("Host", "evil.example")
                .GET().build());
        Reply crossSite = send(HttpRequest.newBuilder(inspectorUri("/api/requests/" + id + "/replay"))
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.noBody()).build());

        assertThat(rebound.status()).isEqualTo(403);
        assertThat(rebound.json().get("error").asText()).isEqualTo("host_not_allowed");
        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(crossSite.json().get("error").asText()).isEqualTo("origin_not_allowed");
        assertThat(api("GET", "/api/requests").json().get("requests")).hasSize(1);
    }

    @Test
    void tunnelsAreStartedAndStoppedByName() throws Exception {
        String definition = "{\"name\":\"docs\",\"proto\":\"http\",\"addr\":\"" + upstream.port()
                + "\",\"subdomain\":\"viaapi\"}";

        Reply started = send(HttpRequest.newBuilder(inspectorUri("/api/tunnels"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(definition))
                .build());

        assertThat(started.status()).isEqualTo(201);
        assertThat(started.json().get("url").asText()).startsWith("http://viaapi.burrow.test:");
        assertThat(harness.get("viaapi.burrow.test", "/hi").body()).isEqualTo("hello from upstream /hi");
        assertThat(api("GET", "/api/tunnels").json().toString()).contains("\"name\":\"docs\"");
        Reply twice = send(HttpRequest.newBuilder(inspectorUri("/api/tunnels"))
                .POST(HttpRequest.BodyPublishers.ofString(definition)).build());
        assertThat(twice.status()).isEqualTo(409);

        Reply stopped = api("DELETE", "/api/tunnels/docs");

        assertThat(stopped.status()).isEqualTo(200);
        assertThat(agent.tunnels()).extracting(AgentTunnel::url).containsExactly(tunnel.url());
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.get("viaapi.burrow.test", "/hi").statusCode() == 503);
        assertThat(api("DELETE", "/api/tunnels/docs").status()).isEqualTo(404);
    }

    @Test
    void aTunnelStartedWithATrafficPolicyIsEnforcedAndListedWithItsSecretsMasked() throws Exception {
        String definition = "{\"name\":\"guarded\",\"proto\":\"http\",\"addr\":\"" + upstream.port()
                + "\",\"subdomain\":\"guarded\",\"traffic_policy\":{\"on_http_request\":[{\"actions\":"
                + "[{\"type\":\"basic-auth\",\"config\":{\"credentials\":[\"ann:hunter2\"]}},"
                + "{\"type\":\"oauth\",\"config\":{\"provider\":\"github\",\"client_id\":\"cid\","
                + "\"client_secret\":\"gh-s3cret\"}}]}]}}";

        Reply started = send(HttpRequest.newBuilder(inspectorUri("/api/tunnels"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(definition))
                .build());
        Reply badPolicy = send(HttpRequest.newBuilder(inspectorUri("/api/tunnels")).POST(HttpRequest.BodyPublishers
                .ofString(definition.replace("guarded", "other").replace("basic-auth", "basic-oath"))).build());

        assertThat(started.status()).isEqualTo(201);
        assertThat(harness.get("guarded.burrow.test", "/hi").statusCode()).isEqualTo(401);
        String listed = api("GET", "/api/tunnels").json().toString();
        assertThat(listed).contains("\"credentials\":[\"ann:********\"]", "\"client_secret\":\"********\"",
                "\"client_id\":\"cid\"").doesNotContain("hunter2", "gh-s3cret");
        assertThat(badPolicy.status()).isEqualTo(400);
        assertThat(badPolicy.json().get("message").asText()).contains("unknown action type 'basic-oath'");
    }

    @Test
    void aTunnelStartedWithShorthandKeysIsEnforcedAsTheirRules() throws Exception {
        String definition = "{\"name\":\"short\",\"proto\":\"http\",\"addr\":\"" + upstream.port()
                + "\",\"subdomain\":\"short\",\"basic_auth\":[\"ann:hunter2\"],"
                + "\"response_header_add\":[\"X-Via:api\"]}";

        Reply started = send(HttpRequest.newBuilder(inspectorUri("/api/tunnels"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(definition))
                .build());
        HttpResponse<String> anonymous = harness.client.send(harness.request("short.burrow.test", "/hi").build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> ann = harness.client.send(harness.request("short.burrow.test", "/hi")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("ann:hunter2".getBytes()))
                .build(), HttpResponse.BodyHandlers.ofString());
        Reply misspelt = send(HttpRequest.newBuilder(inspectorUri("/api/tunnels")).POST(HttpRequest.BodyPublishers
                .ofString(definition.replace("short", "other").replace("basic_auth", "basic_auht"))).build());

        assertThat(started.status()).isEqualTo(201);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(ann.statusCode()).isEqualTo(200);
        assertThat(ann.headers().firstValue("x-via")).hasValue("api");
        assertThat(api("GET", "/api/tunnels").json().toString()).contains("ann:********").doesNotContain("hunter2");
        assertThat(misspelt.status()).isEqualTo(400);
        assertThat(misspelt.json().get("message").asText()).isEqualTo("unknown key 'basic_auht'");
    }

    @Test
    void aRunningTunnelsPolicyIsReplacedInPlaceAndRemoved() throws Exception {
        String definition = "{\"name\":\"live\",\"proto\":\"http\",\"addr\":\"" + upstream.port()
                + "\",\"subdomain\":\"live\"}";
        Reply started = send(HttpRequest.newBuilder(inspectorUri("/api/tunnels"))
                .POST(HttpRequest.BodyPublishers.ofString(definition)).build());

        Reply guarded = put("/api/tunnels/live/policy", "{\"basic_auth\":[\"ann:hunter2\"],\"traffic_policy\":"
                + "{\"on_http_response\":[{\"actions\":[{\"type\":\"add-headers\",\"config\":{\"headers\":"
                + "{\"X-Policy\":\"v2\"}}}]}]}}");
        HttpResponse<String> whileGuarded = harness.get("live.burrow.test", "/hi");
        HttpResponse<String> ann = harness.client.send(harness.request("live.burrow.test", "/hi")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("ann:hunter2".getBytes()))
                .build(), HttpResponse.BodyHandlers.ofString());
        Reply notPolicy = put("/api/tunnels/live/policy", "{\"proto\":\"tcp\"}");
        Reply invalid = put("/api/tunnels/live/policy",
                "{\"traffic_policy\":{\"on_http_request\":[{\"actions\":[{\"type\":\"denny\"}]}]}}");
        HttpResponse<String> stillGuarded = harness.get("live.burrow.test", "/hi");
        Reply cleared = put("/api/tunnels/live/policy", "{}");
        HttpResponse<String> open = harness.get("live.burrow.test", "/hi");

        assertThat(started.status()).isEqualTo(201);
        assertThat(guarded.status()).isEqualTo(200);
        assertThat(guarded.json().get("url").asText()).isEqualTo(started.json().get("url").asText());
        assertThat(whileGuarded.statusCode()).isEqualTo(401);
        assertThat(ann.statusCode()).isEqualTo(200);
        assertThat(ann.headers().firstValue("x-policy")).hasValue("v2");
        assertThat(notPolicy.status()).isEqualTo(400);
        assertThat(notPolicy.json().get("message").asText()).contains("'proto' is not a policy key");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().get("message").asText()).contains("unknown action type 'denny'");
        assertThat(stillGuarded.statusCode()).as("a refused policy leaves the one in force").isEqualTo(401);
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(put("/api/tunnels/nope/policy", "{}").status()).isEqualTo(404);
    }

    private Reply put(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(inspectorUri(path)).PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void aTunnelDefinitionThatDoesNotReadIsRefusedWithTheReason() throws Exception {
        Reply refused = send(HttpRequest.newBuilder(inspectorUri("/api/tunnels")).POST(
                HttpRequest.BodyPublishers.ofString("{\"name\":\"x\",\"proto\":\"ftp\",\"addr\":\"21\"}")).build());

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("message").asText()).contains("unknown proto 'ftp'");
    }

    @Test
    void unknownRequestsAndPathsAre404() throws Exception {
        assertThat(api("GET", "/api/requests/999").status()).isEqualTo(404);
        assertThat(api("POST", "/api/requests/999/replay").status()).isEqualTo(404);
        assertThat(api("GET", "/api/nothing").status()).isEqualTo(404);
    }

    @Test
    void aTakenPortMovesTheInspectorToTheNextFreeOne() {
        int taken = inspector.address().getPort();
        try (InspectorServer second = InspectorServer.start(agent, new InetSocketAddress("127.0.0.1", taken))) {
            assertThat(second.address().getPort()).isGreaterThan(taken);
        }
    }

    @Test
    void aRequestLetThroughNamesTheRulesThatActedOnItAndNoneAVisitorClaims() throws Exception {
        AgentTunnel tagged = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port()))
                .withSubdomain("tagged").withTrafficPolicy("""
                        on_http_request:
                          - name: never
                            expressions: ["req.method == 'DELETE'"]
                            actions: [{type: deny}]
                          - name: tag
                            actions: [{type: add-headers, config: {headers: {X-Tag: "yes"}}}]
                          - actions: [{type: log}]
                        """));

        HttpResponse<String> response = harness.client.send(harness.request(tagged.hostname(), "/echo/tagged")
                .header("Burrow-Policy-Rule", "forged").build(), HttpResponse.BodyHandlers.ofString());
        long id = awaitListed("/echo/tagged");
        JsonNode detail = api("GET", "/api/requests/" + id).json();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("h:x-tag=yes").doesNotContain("burrow-policy-rule");
        assertThat(detail.get("policy_rules")).extracting(JsonNode::asText)
                .containsExactly("tag", "on_http_request[2]");
        assertThat(detail.get("request").get("headers").toString()).doesNotContain("burrow-policy-rule");
    }

    @Test
    void aRequestTheEdgesPolicyDeniedIsListedWithItsRuleAndCannotBeReplayed() throws Exception {
        AgentTunnel guarded = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port()))
                .withSubdomain("guarded").withTrafficPolicy("""
                        on_http_request:
                          - name: no admin
                            expressions: ["req.url.path.startsWith('/admin')"]
                            actions: [{type: deny, config: {status_code: 404}}]
                        """));

        HttpResponse<String> denied = harness.client.send(harness.request(guarded.hostname(), "/admin/users").build(),
                HttpResponse.BodyHandlers.ofString());
        long id = awaitListed("/admin/users");
        JsonNode detail = api("GET", "/api/requests/" + id).json();
        Reply replay = api("POST", "/api/requests/" + id + "/replay");

        assertThat(denied.statusCode()).isEqualTo(404);
        assertThat(upstream.requested).isEmpty();
        assertThat(detail.get("status").asInt()).isEqualTo(404);
        assertThat(detail.get("tunnel_url").asText()).isEqualTo(guarded.url());
        assertThat(detail.get("method").asText()).isEqualTo("GET");
        assertThat(detail.get("client_addr").asText()).startsWith("127.0.0.1:");
        assertThat(detail.get("denied_at_edge").get("rule").asText()).isEqualTo("no admin");
        assertThat(detail.get("denied_at_edge").get("reason").asText()).isEqualTo("policy_denied");
        assertThat(replay.status()).isEqualTo(409);
        assertThat(replay.json().get("message").asText()).contains("traffic policy answered request " + id);
    }

    private long awaitListed(String uri) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (JsonNode item : api("GET", "/api/requests").json().get("requests")) {
                if (item.get("uri").asText().equals(uri) && !item.get("state").asText().equals("in_progress")) {
                    return true;
                }
            }
            return false;
        });
        for (JsonNode item : api("GET", "/api/requests").json().get("requests")) {
            if (item.get("uri").asText().equals(uri)) {
                return item.get("id").asLong();
            }
        }
        throw new AssertionError(uri + " not listed");
    }

    private static String decode(JsonNode body) {
        return new String(Base64.getDecoder().decode(body.get("base64").asText()), StandardCharsets.UTF_8);
    }

    private URI inspectorUri(String path) {
        return URI.create(inspector.url() + path);
    }

    private Reply api(String method, String path) throws Exception {
        return send(HttpRequest.newBuilder(inspectorUri(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .build());
    }

    private Reply send(HttpRequest request) throws Exception {
        HttpResponse<String> response = harness.client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), JSON.readTree(response.body()));
    }

    private record Reply(int status, JsonNode json) {
    }
}
