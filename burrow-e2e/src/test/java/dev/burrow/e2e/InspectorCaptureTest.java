package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.inspect.CapturedExchange;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.agent.inspect.ExchangeView;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the agent records of each exchange for the inspector, and the bounds on what it keeps. */
class InspectorCaptureTest {
    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;

    @BeforeEach
    void setUp() throws Exception {
        harness = new TunnelHarness(dataDir);
        upstream = new TestUpstream();
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
    }

    @Test
    void anExchangeIsRecordedWithItsHeadersBodiesStatusAndTiming() throws Exception {
        ExchangeLog log = ExchangeLog.withDefaults();
        AgentTunnel tunnel = harness.startAgent(harness.agentBuilder().inspect(log))
                .http(HttpTunnelOptions.to(Integer.toString(upstream.port())));
        String json = "{\"name\":\"ada\",\"tags\":[1,2]}";

        HttpResponse<String> response = harness.client.send(harness.request(tunnel.hostname(), "/echo?x=1")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        ExchangeView seen = awaitEnded(log).view();
        assertThat(seen.tunnelUrl()).isEqualTo(tunnel.url());
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.uri()).isEqualTo("/echo?x=1");
        assertThat(seen.authority()).isEqualTo(tunnel.hostname());
        assertThat(seen.clientAddress()).startsWith("127.0.0.1:");
        assertThat(seen.requestHeaders()).contains(Map.entry("content-type", "application/json"));
        assertThat(seen.requestHeaders()).extracting(Map.Entry::getKey).noneMatch(name -> name.startsWith("burrow-"));
        assertThat(new String(seen.requestBody().captured(), StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(seen.requestBody().truncated()).isFalse();
        assertThat(seen.status()).isEqualTo(200);
        assertThat(new String(seen.responseBody().captured(), StandardCharsets.UTF_8)).isEqualTo(response.body());
        assertThat(seen.state()).isEqualTo(CapturedExchange.State.COMPLETE);
        assertThat(seen.durationMillis()).isPositive();
    }

    @Test
    void onlyTheNewestExchangesAreKeptAndBodiesAreCutWithinTheBudget() throws Exception {
        ExchangeLog log = new ExchangeLog(3, 1024, 4096);
        AgentTunnel tunnel = harness.startAgent(harness.agentBuilder().inspect(log))
                .http(HttpTunnelOptions.to(Integer.toString(upstream.port())));
        String body = "x".repeat(10_000);

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = harness.client.send(harness.request(tunnel.hostname(), "/count?n=" + i)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo("10000");
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> log.newestFirst().get(0).view().state()
                != CapturedExchange.State.IN_PROGRESS && log.newestFirst().get(0).view().uri().equals("/count?n=4"));
        List<CapturedExchange> kept = log.newestFirst();
        assertThat(kept).extracting(exchange -> exchange.view().uri())
                .containsExactly("/count?n=4", "/count?n=3", "/count?n=2");
        for (CapturedExchange exchange : kept) {
            ExchangeView view = exchange.view();
            assertThat(view.requestBody().size()).isEqualTo(10_000);
            assertThat(view.requestBody().truncated()).isTrue();
            assertThat(view.requestBody().captured().length).isLessThanOrEqualTo(1024);
        }
        assertThat(log.heldBytes()).isLessThanOrEqualTo(4096);
    }

    @Test
    void whenTheByteBudgetIsFullTheOldestExchangesMakeRoom() throws Exception {
        ExchangeLog log = new ExchangeLog(100, 1024, 2500);
        AgentTunnel tunnel = harness.startAgent(harness.agentBuilder().inspect(log))
                .http(HttpTunnelOptions.to(Integer.toString(upstream.port())));

        for (int i = 0; i < 5; i++) {
            harness.client.send(harness.request(tunnel.hostname(), "/count?n=" + i)
                    .POST(HttpRequest.BodyPublishers.ofString("y".repeat(5000))).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> log.newestFirst().get(0).view().uri().equals("/count?n=4")
                && log.newestFirst().get(0).view().state() != CapturedExchange.State.IN_PROGRESS);
        assertThat(log.heldBytes()).isLessThanOrEqualTo(2500);
        assertThat(log.newestFirst()).extracting(exchange -> exchange.view().uri())
                .containsExactly("/count?n=4", "/count?n=3");
    }

    private static CapturedExchange awaitEnded(ExchangeLog log) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !log.newestFirst().isEmpty()
                && log.newestFirst().get(0).view().state() != CapturedExchange.State.IN_PROGRESS);
        return log.newestFirst().get(0);
    }
}
