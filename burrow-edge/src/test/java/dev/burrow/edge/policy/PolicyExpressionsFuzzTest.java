package dev.burrow.edge.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.edge.HttpTunnel;
import dev.burrow.edge.Tunnel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;

/**
 * A CEL expression a policy author wrote, compiled as the policy compiler does, then run on a request whose method,
 * target and headers a visitor chose. Compiling gives a rule or a {@link PolicyException}; running it lets the request
 * through, answers it with the rule's action, or fails with a {@link PolicyEvaluationException}, which the edge
 * answers with an error page. Nothing else may escape, and no expression may run away (CEL's comprehensions are
 * bounded).
 */
class PolicyExpressionsFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Tunnel TUNNEL = new HttpTunnel("t1", "app.burrow.test", "http://app.burrow.test", false,
            false, null, new PolicySlot(TrafficPolicy.NONE));
    private static final InetSocketAddress CLIENT = new InetSocketAddress("203.0.113.7", 40000);

    @FuzzTest(maxDuration = "10m")
    void compilesAndRunsOrRefuses(FuzzedDataProvider data) {
        String expression = data.consumeString(300);
        HttpRequest request;
        try {
            request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(data.consumeString(10)),
                    data.consumeString(200));
            request.headers().add(data.consumeString(20), data.consumeString(100));
        } catch (IllegalArgumentException notARequestNettyWouldMake) {
            return;
        }
        request.headers().add("host", "app.burrow.test");
        TrafficPolicy policy;
        try {
            policy = TrafficPolicy.compile(policyText(expression));
        } catch (PolicyException refused) {
            return;
        }
        FullHttpResponse answer;
        try {
            answer = TestPolicies.decideAtOnce(policy, request, TUNNEL, CLIENT);
        } catch (PolicyEvaluationException failed) {
            return;
        }
        if (answer != null) {
            try {
                assertThat(answer.status().code()).isEqualTo(403);
            } finally {
                answer.release();
            }
        }
    }

    /** One rule: the expression, then a deny; as JSON, so that the expression needs no YAML quoting. */
    private static String policyText(String expression) {
        ObjectNode rule = JSON.createObjectNode();
        rule.putArray("expressions").add(expression);
        rule.putArray("actions").addObject().put("type", "deny");
        ObjectNode policy = JSON.createObjectNode();
        policy.putArray("on_http_request").add(rule);
        return policy.toString();
    }
}
