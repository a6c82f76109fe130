package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.policy.PolicyPhases;
import dev.burrow.edge.policy.RequestDecision;
import dev.burrow.edge.policy.RequestPhase;
import dev.burrow.edge.policy.ResponsePhase;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request and response phases end to end, with a real edge and agent, HTTP/1.1 clients (the JDK's and raw
 * sockets) and HTTP/2 clients (curl and raw frames). The request phase decides by path: some decisions are made on
 * another thread, some fail or never come, and some are held until the test completes them.
 */
class PolicyPhasesTest {
    private static final String APP = "app.burrow.test";

    @TempDir
    Path dataDir;
    private TunnelHarness harness;
    private TestUpstream upstream;
    private final ExecutorService policyThreads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "policy-test");
        thread.setDaemon(true);
        return thread;
    });
    /** Decisions the test completes itself, by request path; the phase hands them out. */
    private final Map<String, CompletableFuture<RequestDecision>> held = new ConcurrentHashMap<>();
    /** Paths the request phase was asked about. */
    private final List<String> asked = new CopyOnWriteArrayList<>();

    private final RequestPhase requests = (request, tunnel, client) -> {
        String path = request.uri();
        asked.add(path);
        CompletableFuture<RequestDecision> hold = held.get(path);
        if (hold != null) {
            return hold;
        }
        return switch (path) {
            case "/login" -> CompletableFuture.supplyAsync(() -> RequestDecision.answer(unauthorized()), policyThreads);
            case "/rewrite" -> CompletableFuture.supplyAsync(() -> RequestDecision.allow(r -> {
                r.setUri("/echo?rewritten=yes");
                r.headers().set("x-user", "alice").remove("authorization");
            }), policyThreads);
            case "/broken" -> CompletableFuture.failedFuture(new IllegalStateException("user database unreachable"));
            case "/never" -> new CompletableFuture<>();
            default -> RequestDecision.allowAtOnce();
        };
    };

    private final ResponsePhase responses = (response, request, tunnel, client) -> response.headers()
            .set("x-policy", "seen " + request.uri())
            .set("content-length", "1");

    @BeforeEach
    void setUp() throws IOException {
        upstream = new TestUpstream();
    }

    @AfterEach
    void tearDown() {
        held.values().forEach(hold -> hold.complete(RequestDecision.allow()));
        if (harness != null) {
            harness.close();
        }
        upstream.close();
        policyThreads.shutdownNow();
    }

    private void start(Duration policyTimeout, int connectionsPerAddress) {
        harness = new TunnelHarness(dataDir, b -> b.policyTimeout(policyTimeout)
                .maxPublicConnections(1000, connectionsPerAddress),
                PolicyPhases.NONE.withRequest(requests).withResponse(responses));
        harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app"));
    }

    private void start() {
        start(Duration.ofSeconds(10), 512);
    }

    private static FullHttpResponse unauthorized() {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED,
                Unpooled.copiedBuffer("sign in first", StandardCharsets.UTF_8));
        response.headers().set("www-authenticate", "Bearer realm=\"app\"");
        return response;
    }

    private CompletableFuture<RequestDecision> hold(String path) {
        CompletableFuture<RequestDecision> decision = new CompletableFuture<>();
        held.put(path, decision);
        return decision;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return harness.get(APP, path);
    }

    /** curl over HTTP/2 with prior knowledge, the response's head included in its output. */
    private Curl.Result curl(String path) throws IOException {
        return Curl.run(List.of("-sS", "--http2-prior-knowledge", "-D", "-", "--max-time", "20",
                "-H", "Host: " + APP, "-H", "Authorization: Basic c2VjcmV0",
                "http://127.0.0.1:" + harness.httpPort() + path), null);
    }

    @Test
    void aDecisionMadeOnAnotherThreadAnswers401AtTheEdge() throws Exception {
        start();

        HttpResponse<String> response = get("/login");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"app\"");
        assertThat(response.body()).isEqualTo("sign in first");
        assertThat(upstream.requested).isEmpty();
        assertThat(get("/after").body()).as("the connection serves on").isEqualTo("hello from upstream /after");
    }

    @Test
    void aRewriteDecidedLaterIsWhatTheUpstreamSees() throws Exception {
        start();

        HttpResponse<String> response = harness.client.send(harness.request(APP, "/rewrite")
                .header("Authorization", "Basic c2VjcmV0").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body().lines()).contains("uri=/echo?rewritten=yes", "h:x-user=alice");
        assertThat(response.body()).doesNotContain("authorization");
    }

    @Test
    void aBodySentWhileTheDecisionIsPendingArrivesWholeOnceAllowed() throws Exception {
        start();
        CompletableFuture<RequestDecision> decision = hold("/count");
        byte[] chunk = new byte[16 * 1024];
        int chunks = 32;
        AtomicLong written = new AtomicLong();
        try (RawHttp1 client = RawHttp1.connect(harness.httpPort())) {
            client.send("POST /count HTTP/1.1\r\nHost: " + APP + "\r\nContent-Length: " + chunk.length * chunks
                    + "\r\n\r\n");
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = client.output();
                    for (int i = 0; i < chunks; i++) {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, policyThreads);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> asked.contains("/count") && written.get() >= 2L * chunk.length);
            assertThat(upstream.requested).as("nothing reaches the tunnel before the decision").isEmpty();

            decision.completeAsync(RequestDecision::allow, policyThreads);
            RawHttp1.Response response = client.read();
            sending.get(20, TimeUnit.SECONDS);

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(Integer.toString(chunk.length * chunks));
        }
    }

    @Test
    void aDecisionThatFailsAnswers500() throws Exception {
        start();

        HttpResponse<String> response = get("/broken");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("burrow-error")).hasValue("policy_failed");
        assertThat(upstream.requested).isEmpty();
    }

    @Test
    void aDecisionThatNeverComesIsBoundedBy504() throws Exception {
        start(Duration.ofMillis(300), 512);

        HttpResponse<String> response = get("/never");

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue("burrow-error")).hasValue("policy_timeout");
        assertThat(upstream.requested).isEmpty();
    }

    @Test
    void aClientGoneWhileTheDecisionIsPendingDropsItAndItsAnswer() throws Exception {
        // One connection per address: a new one is served only once the edge has closed the one that left.
        start(Duration.ofSeconds(10), 1);
        CompletableFuture<RequestDecision> decision = hold("/pending");
        try (RawHttp1 client = RawHttp1.connect(harness.httpPort())) {
            client.send("GET /pending HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> asked.contains("/pending"));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (RawHttp1 probe = RawHttp1.connect(harness.httpPort())) {
                probe.send("GET /probe HTTP/1.1\r\nHost: " + APP + "\r\nConnection: close\r\n\r\n");
                RawHttp1.Response answer = probe.readOrNull();
                return answer != null && answer.status() == 200;
            } catch (IOException e) {
                return false;
            }
        });

        FullHttpResponse late = unauthorized();
        decision.completeAsync(() -> RequestDecision.answer(late), policyThreads);

        await().atMost(Duration.ofSeconds(20)).until(() -> late.refCnt() == 0);
        assertThat(upstream.requested).containsExactly("/probe");
    }

    @Test
    void aResponsePhaseChangesTheHeadBothVersionsSeeButNotItsFraming() throws Exception {
        start();
        Curl.assumeHttp2();

        HttpResponse<String> http1 = get("/hello");
        Curl.Result http2 = curl("/hello");

        assertThat(http1.headers().firstValue("x-policy")).hasValue("seen /hello");
        assertThat(http1.body()).isEqualTo("hello from upstream /hello");
        assertThat(http2.exitCode()).as(http2.err()).isZero();
        assertThat(http2.out()).startsWith("HTTP/2 200").contains("x-policy: seen /hello")
                .endsWith("hello from upstream /hello");
    }

    @Test
    void http2AnswersRewritesFailuresAndTimeoutsAsHttp1Does() throws Exception {
        start(Duration.ofSeconds(1), 512);
        Curl.assumeHttp2();

        Curl.Result login = curl("/login");
        Curl.Result rewrite = curl("/rewrite");
        Curl.Result broken = curl("/broken");
        Curl.Result never = curl("/never");

        assertThat(login.out()).startsWith("HTTP/2 401").contains("www-authenticate: Bearer realm=\"app\"")
                .endsWith("sign in first");
        assertThat(rewrite.out()).startsWith("HTTP/2 200").contains("uri=/echo?rewritten=yes", "h:x-user=alice")
                .doesNotContain("h:authorization");
        assertThat(broken.out()).startsWith("HTTP/2 500").contains("burrow-error: policy_failed");
        assertThat(never.out()).startsWith("HTTP/2 504").contains("burrow-error: policy_timeout");
        assertThat(upstream.requested).containsExactly("/echo");
    }

    @Test
    void http2FramesSentWhileTheDecisionIsPendingArriveWholeOnceAllowed() throws Exception {
        start();
        CompletableFuture<RequestDecision> decision = hold("/count");
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, new DefaultHttp2Headers().method("POST").scheme("http").authority(APP).path("/count"),
                    false);
            await().atMost(Duration.ofSeconds(20)).until(() -> asked.contains("/count"));
            for (int i = 0; i < 3; i++) {
                client.data(1, new byte[16 * 1024], i == 2);
            }
            assertThat(upstream.requested).as("nothing reaches the tunnel before the decision").isEmpty();
            decision.completeAsync(RequestDecision::allow, policyThreads);

            assertThat(client.awaitHeaders(1).status()).hasToString("200");
            assertThat(body(client, 1)).isEqualTo(Integer.toString(3 * 16 * 1024));
        }
    }

    @Test
    void http2StreamResetWhileTheDecisionIsPendingDropsItAndItsAnswer() throws Exception {
        start();
        CompletableFuture<RequestDecision> decision = hold("/pending");
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, new DefaultHttp2Headers().method("GET").scheme("http").authority(APP)
                    .path("/pending"), true);
            await().atMost(Duration.ofSeconds(20)).until(() -> asked.contains("/pending"));
            client.reset(1, Http2Error.CANCEL);
            // The connection's next stream is served: the edge has read the reset by then.
            client.headers(3, new DefaultHttp2Headers().method("GET").scheme("http").authority(APP).path("/next"),
                    true);
            assertThat(client.awaitHeaders(3).status()).hasToString("200");

            FullHttpResponse late = unauthorized();
            decision.completeAsync(() -> RequestDecision.answer(late), policyThreads);

            await().atMost(Duration.ofSeconds(20)).until(() -> late.refCnt() == 0);
            assertThat(upstream.requested).containsExactly("/next");
        }
    }

    /** The DATA of one stream until it ends, as text. */
    private static String body(RawHttp2 client, int streamId) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        RawHttp2.Frame frame;
        do {
            frame = client.await(f -> f.streamId() == streamId && f.type() == RawHttp2.DATA);
            body.write(frame.payload());
        } while (!frame.endStream());
        return body.toString(StandardCharsets.UTF_8);
    }
}
