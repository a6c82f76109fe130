package dev.burrow.edge.policy;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.action.Action;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Policies made of actions a test built itself (with its own clock, say), for the tests of the action package, and
 * the request phase run at once, as the policy tests run it.
 */
public final class TestPolicies {
    /** For a request phase whose answers nobody relays. */
    public static final Consumer<ResponseObserver> UNOBSERVED = observer -> { };

    private TestPolicies() {
    }

    /** The request phase over {@code request}, decided at once: the answer, or null when it was let through. */
    public static FullHttpResponse decideAtOnce(TrafficPolicy policy, HttpRequest request, Tunnel tunnel,
                                                InetSocketAddress client, Consumer<ResponseObserver> observed) {
        return policy.decide(request, tunnel, client, Runnable::run, observed).toCompletableFuture().join();
    }

    /** As above, for a request whose answer nobody observes. */
    public static FullHttpResponse decideAtOnce(TrafficPolicy policy, HttpRequest request, Tunnel tunnel,
                                                InetSocketAddress client) {
        return decideAtOnce(policy, request, tunnel, client, UNOBSERVED);
    }

    /** One rule in {@code on_http_request}, without expressions, running {@code actions}. */
    public static TrafficPolicy onRequest(Action... actions) {
        return new TrafficPolicy(Map.of(Phase.ON_HTTP_REQUEST, List.of(new Rule("test", List.of(),
                List.of(actions)))));
    }
}
