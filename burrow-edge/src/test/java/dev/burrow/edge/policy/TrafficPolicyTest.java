package dev.burrow.edge.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.burrow.edge.HttpTunnel;
import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.action.Action;
import dev.burrow.protocol.Protocol;
import dev.burrow.protocol.TunnelType;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Compiling a policy (its refusals, with their lines) and running its phases over requests made in memory. */
class TrafficPolicyTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("203.0.113.7", 40000);
    private static final Tunnel TUNNEL = new HttpTunnel("t1", "app.example.test", "http://app.example.test", false,
            false, null, new PolicySlot(TrafficPolicy.NONE));

    private static HttpRequest get(String target) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target);
        request.headers().set("Host", "app.example.test").set("User-Agent", "test/1");
        return request;
    }

    private static String problem(String policy) {
        try {
            TrafficPolicy.compile(policy);
        } catch (PolicyException e) {
            return e.getMessage();
        }
        throw new AssertionError("compiled: " + policy);
    }

    @Test
    void blankTextIsNoPolicy() throws PolicyException {
        assertThat(TrafficPolicy.compile(null)).isSameAs(TrafficPolicy.NONE);
        assertThat(TrafficPolicy.compile("  \n")).isSameAs(TrafficPolicy.NONE);
        assertThat(TrafficPolicy.NONE.has(Phase.ON_HTTP_REQUEST)).isFalse();
    }

    @Test
    void refusalsNameTheLineAndTheProblem() {
        assertThat(problem("on_http_request:\n  - actions:\n      - type: deny\non_http_requests: []\n"))
                .startsWith("line 4: unknown phase 'on_http_requests'");
        assertThat(problem("on_http_request:\n  - actions:\n      - type: deny\n      - type: denny\n"))
                .startsWith("line 4: unknown action type 'denny'").contains("known: add-headers");
        assertThat(problem("on_http_request:\n  - expressions:\n      - \"req.method == 'GET'\"\n"
                + "      - \"req.method = 'GET'\"\n    actions:\n      - type: deny\n"))
                .startsWith("line 4: expression \"req.method = 'GET'\"".replace('"', '\''));
        assertThat(problem("on_http_request:\n  - expressions: [\"res.status_code == 200\"]\n"
                + "    actions: [{type: deny}]\n"))
                .contains("undeclared reference to 'res'");
        assertThat(problem("on_http_request:\n  - expressions: [\"req.url.path\"]\n    actions: [{type: deny}]\n"))
                .as("an expression must be a bool").startsWith("line 2: expression 'req.url.path'");
        assertThat(problem("on_tcp_connect:\n  - actions:\n      - type: restrict-ips\n        config:\n"
                + "          allow: [10.0.0.1/8]\n"))
                .startsWith("line 3: action 'restrict-ips': allow:").contains("did you mean 10.0.0.0/8");
        assertThat(problem("on_http_request:\n  - actions:\n      - type: add-headers\n        config:\n"
                + "          headers: {\"Transfer-Encoding\": chunked}\n"))
                .contains("the edge's to set");
        assertThat(problem("on_http_response:\n  - actions: [{type: basic-auth, config: {credentials: [a:b]}}]\n"))
                .startsWith("line 2: action 'basic-auth' cannot run in on_http_response");
        assertThat(problem("on_http_request:\n  - name: nothing\n")).contains("rule 'nothing' needs 'actions'");
        assertThat(problem("on_http_request:\n  - actions: [{type: deny, config: {status: 401}}]\n"))
                .contains("unknown config key 'status'");
        assertThat(problem("on_http_request: [ {actions: [ ]\n")).startsWith("line ").contains("not valid YAML");
    }

    @Test
    void boundsAreRefusedBeforeTheyCost() {
        String rule = "  - actions: [{type: log}]\n";
        assertThat(problem("on_http_request:\n" + rule.repeat(PolicyReader.MAX_RULES + 1)))
                .contains("at most " + PolicyReader.MAX_RULES);
        // An alias is read as its anchor's name, never expanded: nested ones ("billion laughs") cost nothing.
        assertThat(problem("on_http_request: &a [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"))
                .startsWith("line 1: a rule is a mapping");
        assertThat(problem("on_http_request:" + " [".repeat(30) + "]".repeat(30) + "\n"))
                .as("nesting is bounded").contains("not valid YAML");
        assertThat(problem("on_http_request:\n" + " ".repeat(PolicyReader.MAX_TEXT))).contains("over");
    }

    @Test
    void aTcpTunnelRunsNoHttpPhaseAndAnHttpTunnelNoConnectionPhase() throws PolicyException {
        TrafficPolicy http = TrafficPolicy.compile("on_http_request: [{actions: [{type: deny}]}]");
        TrafficPolicy tcp = TrafficPolicy.compile("on_tcp_connect: [{actions: [{type: deny}]}]");

        http.checkFits(TunnelType.HTTP);
        tcp.checkFits(TunnelType.TLS);
        assertThatThrownBy(() -> http.checkFits(TunnelType.TCP)).hasMessageContaining("use on_tcp_connect");
        assertThatThrownBy(() -> tcp.checkFits(TunnelType.HTTP)).hasMessageContaining("use on_http_request");
    }

    @Test
    void aRuleWhoseActionWaitedIsNamedOnceAmongThoseThatActed() {
        Action waits = context -> context.await(CompletableFuture.completedFuture("later"), (resumed, value) -> { });
        Action tags = context -> context.request().headers().set("X-Tagged", "yes");
        HttpRequest request = get("/");

        assertThat(TestPolicies.decideAtOnce(TestPolicies.onRequest(waits, tags), request, TUNNEL, CLIENT)).isNull();

        assertThat(request.headers().get("X-Tagged")).isEqualTo("yes");
        assertThat(request.headers().getAll(Protocol.POLICY_RULES)).containsExactly("test");
    }

    @Test
    void rulesRunInOrderAndTheFirstAnswerEndsThePhase() throws PolicyException {
        TrafficPolicy policy = TrafficPolicy.compile("""
                on_http_request:
                  - name: tag
                    actions:
                      - type: set-vars
                        config: {vars: {tier: gold}}
                      - type: add-headers
                        config: {headers: {X-Tier: gold}}
                  - name: admin
                    expressions:
                      - "req.url.path.startsWith('/admin') && vars.tier == 'gold'"
                    actions:
                      - type: deny
                        config: {status_code: 404}
                      - type: add-headers
                        config: {headers: {X-Never: "1"}}
                  - name: old
                    expressions: ["req.headers['x-tier'][0] == 'gold'"]
                    actions:
                      - type: url-rewrite
                        config: {from: "^/old/(.*)$", to: "/new/$1"}
                """);

        HttpRequest admin = get("/admin/users");
        FullHttpResponse answer = TestPolicies.decideAtOnce(policy, admin, TUNNEL, CLIENT);
        HttpRequest old = get("/old/page?x=1");
        FullHttpResponse none = TestPolicies.decideAtOnce(policy, old, TUNNEL, CLIENT);

        try {
            assertThat(answer.status().code()).isEqualTo(404);
            assertThat(admin.headers().get("X-Tier")).isEqualTo("gold");
            assertThat(admin.headers().contains("X-Never")).isFalse();
            assertThat(none).isNull();
            assertThat(old.uri()).as("the later rule sees the header the first one added").isEqualTo("/new/page?x=1");
        } finally {
            answer.release();
        }
    }

    @Test
    void basicAuthLetsOneOfItsPairsInAndTakesTheAuthorizationAway() throws PolicyException {
        TrafficPolicy policy = TrafficPolicy.compile("on_http_request: [{actions: [{type: basic-auth, config: "
                + "{credentials: ['ann:pw1', 'bob:pw:2'], realm: team}}]}]");
        HttpRequest bob = get("/");
        bob.headers().set("Authorization", "basic " + base64("bob:pw:2"));
        HttpRequest wrong = get("/");
        wrong.headers().set("Authorization", "Basic " + base64("ann:pw2"));
        HttpRequest garbage = get("/");
        garbage.headers().set("Authorization", "Basic %%%");

        assertThat(TestPolicies.decideAtOnce(policy, bob, TUNNEL, CLIENT)).isNull();
        assertThat(bob.headers().contains("Authorization")).isFalse();
        for (HttpRequest refused : new HttpRequest[] {wrong, garbage, get("/")}) {
            FullHttpResponse answer = TestPolicies.decideAtOnce(policy, refused, TUNNEL, CLIENT);
            assertThat(answer.status()).isEqualTo(HttpResponseStatus.UNAUTHORIZED);
            assertThat(answer.headers().get("WWW-Authenticate")).isEqualTo("Basic realm=\"team\", charset=\"UTF-8\"");
            answer.release();
        }
    }

    @Test
    void restrictIpsLetsOnlyAllowedBlocksInOnConnectionsAndRequests() throws PolicyException {
        TrafficPolicy policy = TrafficPolicy.compile("""
                on_tcp_connect:
                  - actions:
                      - type: restrict-ips
                        config: {allow: [203.0.113.0/24, "2001:db8::/32"], deny: [203.0.113.9/32]}
                """);

        assertThat(policy.allows(TUNNEL, CLIENT)).isTrue();
        assertThat(policy.allows(TUNNEL, new InetSocketAddress("203.0.113.9", 1))).isFalse();
        assertThat(policy.allows(TUNNEL, new InetSocketAddress("198.51.100.1", 1))).isFalse();
        assertThat(policy.allows(TUNNEL, new InetSocketAddress("2001:db8::5", 1))).isTrue();
    }

    @Test
    void theResponsePhaseSeesTheStatusAndChangesHeaders() throws PolicyException {
        TrafficPolicy policy = TrafficPolicy.compile("""
                on_http_response:
                  - expressions: ["res.status_code >= 500"]
                    actions:
                      - type: remove-headers
                        config: {headers: [Server]}
                      - type: add-headers
                        config: {headers: {Retry-After: "5"}}
                """);
        HttpResponse failed = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY);
        failed.headers().set("Server", "app/1.2");
        HttpResponse fine = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        fine.headers().set("Server", "app/1.2");

        policy.onResponse(failed, get("/"), TUNNEL, CLIENT);
        policy.onResponse(fine, get("/"), TUNNEL, CLIENT);

        assertThat(failed.headers().contains("Server")).isFalse();
        assertThat(failed.headers().get("Retry-After")).isEqualTo("5");
        assertThat(fine.headers().get("Server")).isEqualTo("app/1.2");
    }

    @Test
    void anExpressionThatFailsAtRunTimeDeniesRatherThanLetsThrough() throws PolicyException {
        TrafficPolicy policy = TrafficPolicy.compile("on_http_request: [{expressions: [\"req.headers['x-key'][0]"
                + " != 'open'\"], actions: [{type: deny}]}]");

        assertThatThrownBy(() -> TestPolicies.decideAtOnce(policy, get("/"), TUNNEL, CLIENT))
                .isInstanceOf(PolicyEvaluationException.class).hasMessageContaining("x-key");
    }

    @Test
    void redirectAndCustomResponseAnswerAtTheEdge() throws PolicyException {
        TrafficPolicy policy = TrafficPolicy.compile("""
                on_http_request:
                  - actions:
                      - type: redirect
                        config: {from: "^/docs/(.*)", to: "https://docs.example.test/$1", status_code: 301}
                  - expressions: ["req.url.path == '/health'"]
                    actions:
                      - type: custom-response
                        config: {status_code: 200, headers: {Content-Type: application/json}, body: '{"ok":true}'}
                """);

        FullHttpResponse moved = TestPolicies.decideAtOnce(policy, get("/docs/a/b?c=d"), TUNNEL, CLIENT);
        FullHttpResponse health = TestPolicies.decideAtOnce(policy, get("/health"), TUNNEL, CLIENT);
        try {
            assertThat(moved.status().code()).isEqualTo(301);
            assertThat(moved.headers().get("Location")).isEqualTo("https://docs.example.test/a/b?c=d");
            assertThat(health.headers().get("Content-Type")).isEqualTo("application/json");
            assertThat(health.content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"ok\":true}");
            assertThat(TestPolicies.decideAtOnce(policy, get("/other"), TUNNEL, CLIENT)).isNull();
        } finally {
            moved.release();
            health.release();
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
