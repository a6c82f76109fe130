package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.TcpTunnelOptions;
import dev.burrow.edge.PortRange;
import dev.burrow.edge.TestCa;
import dev.burrow.edge.proxy.Cidr;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traffic policies bound with a tunnel and enforced by a real edge: HTTP/1.1 (the JDK's client) and HTTP/2 (curl)
 * requests through basic auth, header rules, denials, a rate limit and a circuit breaker, TCP connections through
 * restrict-ips, and a policy the edge refuses at bind. What a policy denies never reaches the upstream.
 */
class TrafficPolicyTunnelTest {
    private static final String APP = "app.burrow.test";
    private static final String POLICY = """
            on_http_request:
              - name: staff only
                actions:
                  - type: basic-auth
                    config:
                      credentials: ["ann:s3cret"]
              - name: no admin
                expressions:
                  - "req.url.path.startsWith('/admin')"
                actions:
                  - type: deny
              - name: tag
                actions:
                  - type: add-headers
                    config:
                      headers: {X-From-Policy: "yes"}
                  - type: url-rewrite
                    config: {from: "^/old/", to: "/echo/"}
            on_http_response:
              - actions:
                  - type: add-headers
                    config:
                      headers: {X-Served-Through: burrow}
            """;

    @TempDir
    Path dataDir;
    private TunnelHarness harness;
    private TestUpstream upstream;
    private LoopbackServer echo;
    private final AtomicInteger echoConnections = new AtomicInteger();

    @BeforeEach
    void setUp() throws IOException {
        upstream = new TestUpstream();
        PortRange ports = TcpTunnelTest.freeRange(2);
        harness = new TunnelHarness(dataDir, edge -> edge.tcpPorts(ports));
        echo = new LoopbackServer("echo-upstream", socket -> {
            echoConnections.incrementAndGet();
            socket.getInputStream().transferTo(socket.getOutputStream());
        });
    }

    @AfterEach
    void tearDown() throws IOException {
        harness.close();
        upstream.close();
        echo.close();
    }

    private void bindHttp(String policy) {
        harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app")
                .withTrafficPolicy(policy));
    }

    private HttpResponse<String> get(String path, String credentials) throws Exception {
        var request = harness.request(APP, path).GET();
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return harness.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void basicAuthKeepsVisitorsWithoutThePasswordAwayFromTheUpstream() throws Exception {
        bindHttp(POLICY);

        HttpResponse<String> none = get("/echo/a", null);
        HttpResponse<String> wrong = get("/echo/a", "ann:guess");

        for (HttpResponse<String> refused : List.of(none, wrong)) {
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("www-authenticate")).hasValue(
                    "Basic realm=\"burrow\", charset=\"UTF-8\"");
        }
        assertThat(upstream.requested).isEmpty();
    }

    @Test
    void anUploadRefusedByThePolicyGetsItsAnswerWhileItIsStillBeingSent() throws Exception {
        bindHttp(POLICY);
        byte[] upload = new byte[8 * 1024 * 1024];

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> refused = harness.client.send(harness.request(APP, "/echo/upload")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(refused.statusCode()).isEqualTo(401);
        }
        assertThat(upstream.requested).isEmpty();
    }

    @Test
    void aVisitorLetInReachesTheUpstreamWithThePolicysChangesAndWithoutThePassword() throws Exception {
        bindHttp(POLICY);

        HttpResponse<String> response = get("/old/page?x=1", "ann:s3cret");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body().lines()).contains("uri=/echo/page?x=1", "h:x-from-policy=yes");
        assertThat(response.body()).doesNotContain("h:authorization");
        assertThat(response.headers().firstValue("x-served-through")).hasValue("burrow");
    }

    @Test
    void aDeniedPathGets403AndNeverReachesTheUpstream() throws Exception {
        bindHttp(POLICY);

        HttpResponse<String> response = get("/admin/users", "ann:s3cret");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue(Protocol.AGENT_ERROR.toString())).hasValue("policy_denied");
        assertThat(upstream.requested).isEmpty();
        assertThat(get("/echo/b", "ann:s3cret").statusCode()).as("the connection serves on").isEqualTo(200);
    }

    @Test
    void http2VisitorsMeetTheSamePolicy() throws Exception {
        bindHttp(POLICY);
        String url = "http://127.0.0.1:" + harness.httpPort();

        Curl.Result refused = Curl.run(List.of("-sS", "--http2-prior-knowledge", "-o", "/dev/null", "-w",
                "%{http_code}", "--max-time", "20", "-H", "Host: " + APP, url + "/echo/x"), null);
        Curl.Result allowed = Curl.run(List.of("-sS", "--http2-prior-knowledge", "-D", "-", "--max-time", "20",
                "-u", "ann:s3cret", "-H", "Host: " + APP, url + "/old/y"), null);

        assertThat(refused.out()).isEqualTo("401");
        assertThat(allowed.out()).contains("HTTP/2 200").containsIgnoringCase("x-served-through: burrow")
                .contains("uri=/echo/y", "h:x-from-policy=yes").doesNotContain("h:authorization");
    }

    @Test
    void aRateLimitByHeaderAnswersTheFourthRequestOfAKeyAtTheEdge() throws Exception {
        bindHttp("""
                on_http_request:
                  - actions:
                      - type: rate-limit
                        config:
                          capacity: 3
                          rate: 60s
                          bucket_key: ["req.headers['x-api-key'][0]"]
                """);

        for (int i = 0; i < 3; i++) {
            assertThat(keyed("/echo/" + i, "alpha").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> limited = keyed("/echo/3", "alpha");
        HttpResponse<String> other = keyed("/echo/4", "beta");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue(Protocol.AGENT_ERROR.toString())).hasValue("policy_rate_limited");
        // Within the first window the approximation frees a slot at most 80 s on (see SlidingWindow).
        assertThat(limited.headers().firstValue("retry-after").map(Integer::parseInt)).hasValueSatisfying(
                seconds -> assertThat(seconds).isBetween(1, 80));
        assertThat(other.statusCode()).as("another key has its own count").isEqualTo(200);
        assertThat(upstream.requested).containsExactly("/echo/0", "/echo/1", "/echo/2", "/echo/4");
    }

    @Test
    void aCircuitBreakerOpensOnAFailingUpstreamAndThenKeepsRequestsFromIt() throws Exception {
        bindHttp("""
                on_http_request:
                  - actions:
                      - type: circuit-breaker
                        config: {volume_threshold: 3, error_threshold: 0.5, window_duration: 60s,
                                 tripped_duration: 60s}
                """);
        String url = "http://127.0.0.1:" + harness.httpPort();
        List<String> http2 = List.of("-sS", "--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code}",
                "--max-time", "20", "-H", "Host: " + APP, url + "/fail");

        assertThat(get("/fail", null).statusCode()).isEqualTo(500);
        assertThat(get("/fail", null).statusCode()).isEqualTo(500);
        assertThat(Curl.run(http2, null).out()).as("an HTTP/2 answer counts too").isEqualTo("500");
        HttpResponse<String> open = get("/fail", null);
        HttpResponse<String> elsewhere = get("/echo/a", null);

        assertThat(open.statusCode()).isEqualTo(503);
        assertThat(open.headers().firstValue(Protocol.AGENT_ERROR.toString())).hasValue("policy_circuit_open");
        assertThat(open.headers().firstValue("retry-after").map(Integer::parseInt)).hasValueSatisfying(
                seconds -> assertThat(seconds).isBetween(1, 60));
        assertThat(elsewhere.statusCode()).as("the breaker guards the whole rule").isEqualTo(503);
        assertThat(Curl.run(http2, null).out()).isEqualTo("503");
        assertThat(upstream.requested).containsExactly("/fail", "/fail", "/fail");
    }

    @Test
    void theAgentsPageForAnUnreachableUpstreamCountsAsAFailure() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(closed)).withSubdomain("app")
                .withTrafficPolicy("on_http_request: [{actions: [{type: circuit-breaker,"
                        + " config: {volume_threshold: 2, tripped_duration: 60s}}]}]"));

        HttpResponse<String> first = get("/a", null);
        HttpResponse<String> second = get("/b", null);
        HttpResponse<String> third = get("/c", null);

        assertThat(first.headers().firstValue(Protocol.AGENT_ERROR.toString())).hasValue("upstream_unreachable");
        assertThat(second.statusCode()).isEqualTo(502);
        assertThat(third.statusCode()).isEqualTo(503);
        assertThat(third.headers().firstValue(Protocol.AGENT_ERROR.toString())).hasValue("policy_circuit_open");
    }

    private HttpResponse<String> keyed(String path, String key) throws Exception {
        return harness.client.send(harness.request(APP, path).header("X-Api-Key", key).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void behindATrustedProxyRestrictIpsJudgesTheClientItForwardsNotTheProxy() throws Exception {
        harness.close();
        harness = new TunnelHarness(dataDir.resolve("behind-proxy"),
                edge -> edge.trustedProxies(List.of(Cidr.parse("127.0.0.0/8"))));
        bindHttp("""
                on_http_request:
                  - actions: [{type: restrict-ips, config: {deny: [203.0.113.0/24]}}]
                """);

        HttpResponse<String> banned = harness.client.send(harness.request(APP, "/echo/a")
                .header("X-Forwarded-For", "203.0.113.9").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> forged = harness.client.send(harness.request(APP, "/echo/b")
                .header("X-Forwarded-For", "203.0.113.9, 198.51.100.7").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(banned.statusCode()).isEqualTo(403);
        assertThat(forged.statusCode()).as("only the proxy's own entry counts").isEqualTo(200);
        assertThat(upstream.requested).containsExactly("/echo/b");
    }

    @Test
    void aTcpTunnelRefusesAConnectionFromOutsideItsBlocksBeforeTheUpstreamSeesIt() throws Exception {
        AgentTunnel closed = harness.startAgent().tcp(TcpTunnelOptions.to(Integer.toString(echo.port()))
                .withTrafficPolicy("on_tcp_connect: [{actions: [{type: restrict-ips, config: {deny: [127.0.0.0/8]}}]}]"));
        AgentTunnel open = harness.startAgent().tcp(TcpTunnelOptions.to(Integer.toString(echo.port()))
                .withTrafficPolicy("on_tcp_connect: [{actions: [{type: restrict-ips, config: {allow: [127.0.0.0/8]}}]}]"));

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), closed.port())) {
            socket.setSoTimeout(20_000);
            writeUnlessReset(socket, "hello");
            assertThat(endOf(socket.getInputStream())).as("the connection ends without a byte").isEqualTo(-1);
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), open.port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().readNBytes(5)).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(echoConnections).as("only the allowed connection reached the upstream").hasValue(1);
    }

    @Test
    void aPolicyTheEdgeCannotCompileFailsTheBindWithItsLine() {
        assertThatThrownBy(() -> bindHttp("on_http_request:\n  - actions:\n      - type: deny\n      - type: nope\n"))
                .isInstanceOfSatisfying(AgentException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.POLICY_INVALID))
                .hasMessageStartingWith("line 4: unknown action type 'nope'");
        assertThatThrownBy(() -> harness.startAgent().tcp(TcpTunnelOptions.to(Integer.toString(echo.port()))
                .withTrafficPolicy("on_http_request: [{actions: [{type: deny}]}]")))
                .hasMessageContaining("does not run on_http_request");
    }

    @Test
    void mutualTlsOnAnEdgeWithoutAnHttpsListenerFailsTheBindRatherThanRefusingEveryVisitor() {
        String policy = """
                on_tcp_connect:
                  - actions:
                      - type: terminate-tls
                        config:
                          mutual_tls_certificate_authorities: ["%s"]
                """.formatted(TestCa.pem(new TestCa("Staff CA").certificate).replace("\n", "\\n"));

        assertThatThrownBy(() -> bindHttp(policy))
                .isInstanceOfSatisfying(AgentException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.POLICY_INVALID))
                .hasMessageContaining("this edge has no HTTPS listener");
    }

    @Test
    void aJwtFromTheIssuersKeysLetsInAndTheKeysAreFetchedWithoutHoldingTheEdge() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        HttpServer jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] published = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks.createContext("/jwks.json", exchange -> {
            exchange.sendResponseHeaders(200, published.length);
            exchange.getResponseBody().write(published);
            exchange.close();
        });
        jwks.start();
        try {
            bindHttp("""
                    on_http_request:
                      - actions:
                          - type: jwt-validation
                            config:
                              issuer: {allow_list: [{value: "https://issuer.test"}]}
                              jws: {keys: {sources: {additional_jkus: ["http://127.0.0.1:%d/jwks.json"]}}}
                    """.formatted(jwks.getAddress().getPort()));
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                    new JWTClaimsSet.Builder().issuer("https://issuer.test").subject("ann")
                            .expirationTime(new Date(System.currentTimeMillis() + 600_000)).build());
            jwt.sign(new RSASSASigner(key));

            HttpResponse<String> allowed = harness.client.send(harness.request(APP, "/echo/jwt")
                    .header("Authorization", "Bearer " + jwt.serialize()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> refused = harness.client.send(harness.request(APP, "/echo/jwt")
                    .header("Authorization", "Bearer " + jwt.serialize().replace('.', '!')).GET().build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.body()).contains("h:authorization=Bearer ");
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("www-authenticate")).hasValue("Bearer error=\"invalid_token\"");
            assertThat(upstream.requested).containsExactly("/echo/jwt");
        } finally {
            jwks.stop(0);
        }
    }

    @Test
    void aPolicyReplacedWhileTheTunnelServesAppliesAtOnceAndSurvivesAReconnect() throws Exception {
        AgentTunnel tunnel = harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(upstream.port()))
                .withSubdomain("app"));
        assertThat(get("/echo/a", null).statusCode()).isEqualTo(200);

        tunnel.updateTrafficPolicy("on_http_request: [{expressions: [\"req.url.path == '/echo/a'\"], "
                + "actions: [{type: deny}]}]");
        HttpResponse<String> denied = get("/echo/a", null);
        assertThatThrownBy(() -> tunnel.updateTrafficPolicy("on_http_request: [{actions: [{type: nope}]}]"))
                .isInstanceOfSatisfying(AgentException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.POLICY_INVALID));

        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(get("/echo/a", null).statusCode()).as("a refused update leaves the policy as it was")
                .isEqualTo(403);
        assertThat(tunnel.url()).isEqualTo("http://app.burrow.test:" + harness.httpPort());
        harness.restartEdge();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(get("/echo/a", null).statusCode()).as("the rebind carries the new policy").isEqualTo(403));
        assertThat(get("/echo/b", null).statusCode()).isEqualTo(200);

        tunnel.updateTrafficPolicy(null);
        assertThat(get("/echo/a", null).statusCode()).isEqualTo(200);
    }

    /** Writes {@code text}; the edge may have reset a refused connection already, which is what the test wants. */
    private static void writeUnlessReset(Socket socket, String text) throws IOException {
        try {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        } catch (SocketException e) {
            // Refused before the write: the read below sees the end too.
        }
    }

    /** -1 at a clean end, -1 too at a reset: either way the client got nothing. */
    private static int endOf(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketException e) {
            return -1;
        }
    }
}
