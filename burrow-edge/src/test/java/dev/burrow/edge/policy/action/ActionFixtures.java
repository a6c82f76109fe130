package dev.burrow.edge.policy.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.burrow.edge.HttpTunnel;
import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.edge.policy.ResponseObserver;
import dev.burrow.edge.policy.TestPolicies;
import dev.burrow.edge.policy.TrafficPolicy;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/** What the tests of actions built with their own clock share: configs, requests, a tunnel and a client. */
final class ActionFixtures {
    static final InetSocketAddress CLIENT = new InetSocketAddress("203.0.113.7", 40000);
    static final Tunnel TUNNEL = new HttpTunnel("t1", "app.example.test", "http://app.example.test", false,
            false, null, new PolicySlot(TrafficPolicy.NONE));
    static final long SECOND = 1_000_000_000L;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ActionFixtures() {
    }

    static ActionConfig config(String type, String yaml) {
        try {
            JsonNode node = YAML.readTree(yaml);
            return new ActionConfig(type, node, 1);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HttpRequest get(String path) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        request.headers().set("Host", "app.example.test");
        return request;
    }

    /** The request phase over {@code request}, decided at once: the answer, or null when it was let through. */
    static FullHttpResponse decide(TrafficPolicy policy, HttpRequest request, Consumer<ResponseObserver> observed) {
        return TestPolicies.decideAtOnce(policy, request, TUNNEL, CLIENT, observed);
    }

    static String problem(String policy) {
        try {
            TrafficPolicy.compile(policy);
        } catch (PolicyException e) {
            return e.getMessage();
        }
        throw new AssertionError("compiled: " + policy);
    }
}
