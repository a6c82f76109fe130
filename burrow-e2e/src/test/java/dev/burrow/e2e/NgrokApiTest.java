package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.TcpTunnelOptions;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.agent.inspect.InspectorServer;
import dev.burrow.edge.PortRange;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inspector's ngrok-compatible routes over real HTTP, read as a script written for ngrok's agent API reads them:
 * a real edge, agent and upstream.
 */
class NgrokApiTest {
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
        PortRange ports = TcpTunnelTest.freeRange(2);
        harness = new TunnelHarness(dataDir, edge -> edge.tcpPorts(ports));
        upstream = new TestUpstream();
        agent = harness.startAgent(harness.agentBuilder().inspect(new ExchangeLog(100, 4096, 1024 * 1024)));
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
    void tunnelsCarryNgroksFieldsBesideOurs() throws Exception {
        AgentTunnel ssh = agent.bind("ssh", TcpTunnelOptions.to("22"));

        JsonNode list = api("GET", "/api/tunnels").json();
        JsonNode first = list.get("tunnels").get(0);
        Reply one = api("GET", "/api/tunnels/ssh");

        assertThat(list.get("uri").asText()).isEqualTo("/api/tunnels");
        assertThat(first.get("public_url").asText()).isEqualTo(tunnel.url());
        assertThat(first.get("proto").asText()).isEqualTo("http");
        assertThat(first.get("name").asText()).isEqualTo("command_line");
        assertThat(first.get("uri").asText()).isEqualTo("/api/tunnels/command_line");
        assertThat(first.get("config").get("addr").asText()).isEqualTo("http://localhost:" + upstream.port());
        assertThat(first.get("config").get("inspect").asBoolean()).isTrue();
        assertThat(first.get("url").asText()).as("our own fields stay").isEqualTo(tunnel.url());
        assertThat(first.get("forwards_to").asText()).isEqualTo("http://localhost:" + upstream.port());
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("public_url").asText()).isEqualTo(ssh.url());
        assertThat(one.json().get("proto").asText()).isEqualTo("tcp");
        assertThat(one.json().get("config").get("addr").asText()).isEqualTo("localhost:22");
        assertThat(one.json().get("config").get("inspect").asBoolean()).isFalse();
        assertThat(api("GET", "/api/tunnels/command_line").json().get("public_url").asText()).isEqualTo(tunnel.url());
        Reply missing = api("GET", "/api/tunnels/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("error").asText()).isEqualTo("not_found");
    }

    @Test
    void aCapturedRequestReadsAsNgrokShowsIt() throws Exception {
        Instant before = Instant.now();
        harness.client.send(harness.request(tunnel.hostname(), "/echo/first?x=1").header("X-Trace", "t1")
                .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
        awaitComplete("/echo/first?x=1");

        JsonNode list = api("GET", "/api/requests/http").json();
        JsonNode first = list.get("requests").get(0);
        String id = first.get("id").asText();

        assertThat(list.get("uri").asText()).isEqualTo("/api/requests/http");
        assertThat(first.get("uri").asText()).isEqualTo("/api/requests/http/" + id);
        assertThat(first.get("tunnel_name").asText()).isEqualTo("command_line");
        assertThat(first.get("remote_addr").asText()).startsWith("127.0.0.1:");
        assertThat(Instant.parse(first.get("start").asText())).isAfterOrEqualTo(before.minusSeconds(1));
        assertThat(first.get("duration").asLong()).isPositive().isLessThan(Duration.ofSeconds(30).toNanos());
        JsonNode request = first.get("request");
        assertThat(request.get("method").asText()).isEqualTo("POST");
        assertThat(request.get("uri").asText()).isEqualTo("/echo/first?x=1");
        assertThat(request.get("proto").asText()).isEqualTo("HTTP/1.1");
        assertThat(request.get("headers").get("X-Trace")).extracting(JsonNode::asText).containsExactly("t1");
        assertThat(decode(request.get("raw"))).startsWith("POST /echo/first?x=1 HTTP/1.1\r\n")
                .contains("host: " + tunnel.hostname()).contains("x-trace: t1\r\n").endsWith("\r\n\r\nhello");
        JsonNode response = first.get("response");
        assertThat(response.get("status").asText()).isEqualTo("200 OK");
        assertThat(response.get("status_code").asInt()).isEqualTo(200);
        assertThat(response.get("headers").get("Content-Type").get(0).asText()).startsWith("text/plain");
        assertThat(decode(response.get("raw"))).startsWith("HTTP/1.1 200 OK\r\n").contains("body=hello");
        assertThat(api("GET", "/api/requests/http/" + id).json()).isEqualTo(first);
    }

    @Test
    void listTakesLimitAndTunnelName() throws Exception {
        AgentTunnel docs = agent.bind("docs", HttpTunnelOptions.to(Integer.toString(upstream.port()))
                .withSubdomain("docs"));
        harness.get(tunnel.hostname(), "/echo/a");
        awaitComplete("/echo/a");
        harness.get(docs.hostname(), "/echo/b");
        awaitComplete("/echo/b");

        JsonNode limited = api("GET", "/api/requests/http?limit=1").json().get("requests");
        JsonNode ofDocs = api("GET", "/api/requests/http?tunnel_name=docs").json().get("requests");
        Reply unknown = api("GET", "/api/requests/http?tunnel_name=nope");

        assertThat(limited).hasSize(1);
        assertThat(limited.get(0).get("request").get("uri").asText()).as("newest first").isEqualTo("/echo/b");
        assertThat(ofDocs).hasSize(1);
        assertThat(ofDocs.get(0).get("tunnel_name").asText()).isEqualTo("docs");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("message").asText()).isEqualTo("no running tunnel named nope");
    }

    @Test
    void replayReachesTheUpstreamAgainAndDeleteClearsTheList() throws Exception {
        harness.client.send(harness.request(tunnel.hostname(), "/echo/again")
                .POST(HttpRequest.BodyPublishers.ofString("once")).build(), HttpResponse.BodyHandlers.ofString());
        String id = awaitComplete("/echo/again");

        Reply replayed = post("/api/requests/http", "{\"id\":\"" + id + "\"}");

        assertThat(replayed.status()).isEqualTo(204);
        assertThat(upstream.requested).containsExactly("/echo/again", "/echo/again");
        JsonNode requests = api("GET", "/api/requests/http").json().get("requests");
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).get("remote_addr").asText()).isEqualTo("replay");
        assertThat(decode(requests.get(0).get("response").get("raw"))).contains("body=once");

        Reply cleared = api("DELETE", "/api/requests/http");

        assertThat(cleared.status()).isEqualTo(204);
        assertThat(api("GET", "/api/requests/http").json().get("requests")).isEmpty();
        assertThat(api("GET", "/api/requests/http/" + id).status()).isEqualTo(404);
        assertThat(api("GET", "/api/status").json().get("requests_kept").asInt()).isZero();
    }

    @Test
    void replayThroughAnotherTunnelUsesThatTunnelsName() throws Exception {
        agent.bind("docs", HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("docs"));
        harness.get(tunnel.hostname(), "/echo/moved");
        String id = awaitComplete("/echo/moved");

        Reply replayed = post("/api/requests/http", "{\"id\":" + id + ",\"tunnel_name\":\"docs\"}");

        assertThat(replayed.status()).isEqualTo(204);
        JsonNode newest = api("GET", "/api/requests/http?limit=1").json().get("requests").get(0);
        assertThat(newest.get("tunnel_name").asText()).isEqualTo("docs");
        assertThat(decode(newest.get("response").get("raw"))).contains("h:host=docs.burrow.test");
    }

    @Test
    void badInputGetsTheInspectorsErrors() throws Exception {
        agent.bind("ssh", TcpTunnelOptions.to("22"));
        harness.get(tunnel.hostname(), "/echo/x");
        String id = awaitComplete("/echo/x");

        assertError(api("GET", "/api/requests/http/abc"), 404, "not_found");
        assertError(api("GET", "/api/requests/http/99999999999999999999"), 404, "not_found");
        assertError(post("/api/requests/http", "{\"id\":\"999\"}"), 404, "not_found");
        assertError(post("/api/requests/http", "{\"id\":\"" + id + "\",\"tunnel_name\":\"nope\"}"), 404,
                "not_found");
        assertError(post("/api/requests/http", "{\"id\":\"" + id + "\",\"tunnel_name\":\"ssh\"}"), 400,
                "bad_request");
        assertError(post("/api/requests/http", ""), 400, "bad_request");
        assertError(post("/api/requests/http", "{\"id\":"), 400, "bad_request");
        assertError(post("/api/requests/http", "[1]"), 400, "bad_request");
        assertError(post("/api/requests/http", "{\"id\":[1]}"), 400, "bad_request");
        assertError(post("/api/requests/http", "{\"id\":\"" + id + "\",\"extra\":1}"), 400, "bad_request");
        assertError(api("PUT", "/api/requests/http"), 404, "not_found");
        assertError(api("DELETE", "/api/requests/http/" + id), 404, "not_found");
        assertThat(upstream.requested).as("nothing was replayed").containsExactly("/echo/x");
    }

    @Test
    void aBodyOverTheInspectorsLimitIsRefused() throws Exception {
        HttpResponse<String> tooLarge = harness.client.send(HttpRequest.newBuilder(inspectorUri("/api/requests/http"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + "1".repeat(2 * 1024 * 1024) + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(tooLarge.statusCode()).isEqualTo(413);
    }

    @Test
    void theHostAndOriginRulesApplyToTheseRoutes() throws Exception {
        harness.get(tunnel.hostname(), "/echo/kept");
        String id = awaitComplete("/echo/kept");

        Reply rebound = send(HttpRequest.newBuilder(inspectorUri("/api/requests/http")).header("Host", "evil.example")
                .GET().build());
        Reply crossSite = send(HttpRequest.newBuilder(inspectorUri("/api/requests/http"))
                .header("Origin", "http://evil.example").DELETE().build());
        Reply crossSiteReplay = send(HttpRequest.newBuilder(inspectorUri("/api/requests/http"))
                .header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\"}")).build());

        assertError(rebound, 403, "host_not_allowed");
        assertError(crossSite, 403, "origin_not_allowed");
        assertError(crossSiteReplay, 403, "origin_not_allowed");
        assertThat(api("GET", "/api/requests/http").json().get("requests")).hasSize(1);
        assertThat(upstream.requested).containsExactly("/echo/kept");
    }

    /** Waits until the request to {@code uri} is complete; its id as the ngrok routes write it. */
    private String awaitComplete(String uri) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> find(uri) != null);
        return find(uri).get("id").asText();
    }

    private JsonNode find(String uri) throws Exception {
        for (JsonNode item : api("GET", "/api/requests/http").json().get("requests")) {
            if (item.get("request").get("uri").asText().equals(uri) && item.get("response").isObject()
                    && item.get("duration").asLong() > 0) {
                return item;
            }
        }
        return null;
    }

    private static void assertError(Reply reply, int status, String code) {
        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.json().get("error").asText()).isEqualTo(code);
        assertThat(reply.json().get("message").asText()).isNotBlank();
    }

    private static String decode(JsonNode base64) {
        return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.ISO_8859_1);
    }

    private URI inspectorUri(String path) {
        return URI.create(inspector.url() + path);
    }

    private Reply api(String method, String path) throws Exception {
        return send(HttpRequest.newBuilder(inspectorUri(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .build());
    }

    private Reply post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(inspectorUri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private Reply send(HttpRequest request) throws Exception {
        HttpResponse<String> response = harness.client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body().isEmpty() ? null : JSON.readTree(response.body()));
    }

    private record Reply(int status, JsonNode json) {
    }
}
