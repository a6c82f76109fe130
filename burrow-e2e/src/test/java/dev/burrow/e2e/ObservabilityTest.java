package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.TcpTunnelOptions;
import dev.burrow.edge.PortRange;
import dev.burrow.edge.admin.AuditLog;
import dev.burrow.edge.observe.AccessLog;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator watches, fed by real traffic: /metrics as Prometheus parses it, the probes, the access log for
 * HTTP/1.1, HTTP/2 and TCP, and the audit log.
 */
class ObservabilityTest {
    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;
    AdminClient admin;
    PortRange ports;
    LogLines access;
    LogLines audit;

    @BeforeEach
    void setUp() throws Exception {
        ports = TcpTunnelTest.freeRange(2);
        access = new LogLines(AccessLog.LOGGER);
        audit = new LogLines(AuditLog.LOGGER);
        harness = new TunnelHarness(dataDir, edge -> AdminClient.listening(settings -> settings.withAccessLog(true))
                .apply(edge.tcpPorts(ports)));
        upstream = new TestUpstream();
        admin = new AdminClient(harness.edge.adminAddress());
    }

    @AfterEach
    void tearDown() {
        access.close();
        audit.close();
        harness.close();
        upstream.close();
    }

    private PrometheusText metrics() throws Exception {
        HttpResponse<String> scraped = admin.get("/metrics");
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("text/plain; version=0.0.4"));
        return new PrometheusText(scraped.body());
    }

    @Test
    void metricsCountTheRequestsAndBytesATestMade() throws Exception {
        harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app"));
        for (int i = 0; i < 3; i++) {
            assertThat(harness.get("app.burrow.test", "/").statusCode()).isEqualTo(200);
        }
        assertThat(harness.get("nobody.burrow.test", "/").statusCode()).isEqualTo(404);
        harness.client.send(harness.request("app.burrow.test", "/count")
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1000))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThatThrownBy(() -> harness.startAgent(harness.agentBuilder().authtoken("burrow_nope_nope")))
                .isInstanceOf(AgentException.class);

        PrometheusText scraped = metrics();

        String[] ok = {"type", "http", "protocol", "HTTP/1.1", "status", "2xx"};
        assertThat(scraped.value("burrow_edge_requests_total", ok)).isEqualTo(4);
        assertThat(scraped.value("burrow_edge_requests_total", "protocol", "HTTP/1.1", "status", "4xx"))
                .isEqualTo(1);
        assertThat(scraped.value("burrow_edge_received_bytes_total", "protocol", "HTTP/1.1")).isEqualTo(1000);
        assertThat(scraped.value("burrow_edge_sent_bytes_total", "protocol", "HTTP/1.1")).isGreaterThan(4);
        assertThat(scraped.value("burrow_edge_sessions")).isEqualTo(1);
        assertThat(scraped.value("burrow_edge_tunnels", "type", "http")).isEqualTo(1);
        assertThat(scraped.value("burrow_edge_tunnels", "type", "tcp")).isZero();
        assertThat(scraped.value("burrow_edge_agent_refusals_total", "code", "auth_failed")).isEqualTo(1);
        assertThat(scraped.has("burrow_edge_public_connections")).isTrue();
        assertThat(scraped.has("jvm_memory_used_bytes")).isTrue();
        assertThat(scraped.has("jvm_threads_live_threads")).isTrue();
    }

    @Test
    void metricsCountBindRefusalsAndHowSessionsEnded() throws Exception {
        Agent first = harness.startAgent();
        first.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("taken"));
        assertThatThrownBy(() -> harness.startAgent().http(HttpTunnelOptions.to("1").withSubdomain("taken")))
                .isInstanceOf(AgentException.class);
        String id = admin.json("GET", "/api/sessions", null, 200).get("sessions").get(0).get("id").asText();
        admin.json("DELETE", "/api/sessions/" + id, null, 200);

        await().atMost(Duration.ofSeconds(5)).until(() -> metrics()
                .value("burrow_edge_sessions_ended_total", "reason", "operator") == 1);
        assertThat(metrics().value("burrow_edge_bind_refusals_total", "code", "hostname_taken")).isEqualTo(1);
        assertThat(audit.lines()).anySatisfy(line -> assertThat(line)
                .containsEntry("actor", "admin").containsEntry("action", "sessions.end")
                .containsEntry("target", id).containsEntry("outcome", "200"));
    }

    @Test
    void settingAPlanAndTheDomainAndNameCallsAreAuditedWithTheirTargetAndAnswer() throws Exception {
        admin.json("POST", "/api/accounts/default/plan", "{\"plan\": \"pro\"}", 200);
        admin.json("POST", "/api/accounts/nobody/plan", "{\"plan\": \"pro\"}", 404);
        admin.json("POST", "/api/domains/app.customer.test/verify", null, 404);
        admin.json("DELETE", "/api/names/api", null, 404);
        admin.json("GET", "/api/usage?period=soon", null, 400);

        assertThat(audit.lines().stream()
                .map(line -> line.get("action") + " " + line.get("target") + " " + line.get("outcome")))
                .containsExactly("accounts.set_plan default 200", "accounts.set_plan nobody 404",
                        "domains.verify app.customer.test 404", "names.release api 404", "usage.list null 400");
    }

    @Test
    void theProbesNeedNoTokenAndReadinessFailsWhileDraining() throws Exception {
        assertThat(admin.send(admin.request("/healthz")).statusCode()).isEqualTo(200);
        HttpResponse<String> ready = admin.send(admin.request("/readyz"));
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(AdminClient.parse(ready.body()).get("status").asText()).isEqualTo("ready");
        assertThat(admin.send(admin.request("/metrics")).statusCode()).isEqualTo(401);
        harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("slow"));
        CompletableFuture<HttpResponse<String>> held = harness.client.sendAsync(
                harness.request("slow.burrow.test", "/hang").GET().build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> upstream.requested.contains("/hang"));

        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> harness.edge.drain(Duration.ofSeconds(20)));
        await().atMost(Duration.ofSeconds(5)).until(() -> admin.send(admin.request("/readyz")).statusCode() == 503);
        assertThat(AdminClient.parse(admin.send(admin.request("/readyz")).body()).get("reason").asText())
                .isEqualTo("draining");
        assertThat(admin.send(admin.request("/healthz")).statusCode()).isEqualTo(200);

        upstream.hangReleased.countDown();
        assertThat(held.get().body()).isEqualTo("released");
        drained.get();
    }

    @Test
    void theAccessLogHasALinePerHttp1RequestHttp2RequestAndTcpConnection() throws Exception {
        Agent agent = harness.startAgent();
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app"));
        AgentTunnel tcp = agent.tcp(TcpTunnelOptions.to(Integer.toString(upstream.port())));

        assertThat(harness.get("app.burrow.test", "/echo?a=1").statusCode()).isEqualTo(200);
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, new DefaultHttp2Headers().method("GET").scheme("http").authority("app.burrow.test")
                    .path("/h2/path"), true);
            assertThat(client.awaitHeaders(1).status()).hasToString("200");
            client.await(frame -> frame.streamId() == 1 && frame.endStream());
        }
        byte[] request = "GET / HTTP/1.1\r\nHost: raw\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        int answered;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tcp.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            answered = in.readAllBytes().length;
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> access.lines().size() >= 3);
        List<Map<String, String>> lines = access.lines();
        assertThat(lines.get(0)).containsEntry("proto", "HTTP/1.1").containsEntry("method", "GET")
                .containsEntry("host", "app.burrow.test").containsEntry("path", "/echo?a=1")
                .containsEntry("status", "200").containsEntry("account", "default")
                .containsEntry("bytes_in", "0").containsKeys("client", "bytes_out", "duration_ms")
                .doesNotContainKey("cut");
        assertThat(lines.get(0).get("tunnel")).startsWith("http://app.burrow.test");
        assertThat(lines.get(1)).containsEntry("proto", "HTTP/2").containsEntry("path", "/h2/path")
                .containsEntry("host", "app.burrow.test").containsEntry("status", "200");
        assertThat(lines.get(2)).containsEntry("proto", "tcp").containsEntry("tunnel", tcp.url())
                .containsEntry("bytes_in", Integer.toString(request.length))
                .containsEntry("bytes_out", Integer.toString(answered)).doesNotContainKeys("method", "status");
        assertThat(access.events().get(2).getFormattedMessage()).isEqualTo("connection");
    }
}
