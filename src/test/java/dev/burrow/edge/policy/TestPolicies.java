package dev.burrow.edge.policy;

import dev.burrow.edge.policy.action.Action;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Policies made of actions a test built itself (with its own clock, say), for the tests of the action package. */
public final class TestPolicies {
    /** For a request phase whose answers nobody relays. */
    public static final Consumer<ResponseObserver> UNOBSERVED = observer -> { };

    private TestPolicies() {
    }

    /** One rule in {@code on_http_request}, without expressions, running {@code actions}. */
    public static TrafficPolicy onRequest(Action... actions) {
        return new TrafficPolicy(Map.of(Phase.ON_HTTP_REQUEST, List.of(new Rule("test", List.of(),
                List.of(actions)))));
    }
}
