package dev.burrow.edge.policy.action;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.policy.TestPolicies;
import dev.burrow.edge.policy.TrafficPolicy;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The sign-in flow (the {@code oauth} action) reads what a visitor sends: the session and sign-in cookies it sealed,
 * and on its callback the {@code state} and {@code code} the provider is said to have returned. Without cookies the
 * edge sealed, no visitor gets through: every request is answered, with the signed-out page, a redirect to the
 * provider, or 401, and nothing the visitor sends makes the action throw.
 */
class SignInFuzzTest {
    private static final String[] PATHS = {SignIn.CALLBACK, SignIn.LOGOUT, "/", "/app/page"};
    private static final TrafficPolicy POLICY = signInPolicy();

    private static TrafficPolicy signInPolicy() {
        try {
            return TrafficPolicy.compile("on_http_request:\n  - name: sign in\n    actions:\n      - type: oauth\n"
                    + "        config: {provider: github, client_id: c, client_secret: s, allow_domains: [example.test]}\n");
        } catch (PolicyException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void answersEveryVisitorWithoutASealedCookie(FuzzedDataProvider data) {
        String target = data.pickValue(PATHS) + data.consumeString(200);
        String cookie = data.consumeRemainingAsString();
        HttpRequest request;
        try {
            request = ActionFixtures.get(target);
            request.headers().add("cookie", cookie);
        } catch (IllegalArgumentException notAHeaderNettyWouldDecode) {
            return;
        }
        FullHttpResponse answer = TestPolicies.decideAtOnce(POLICY, request, ActionFixtures.TUNNEL,
                ActionFixtures.CLIENT);
        assertThat(answer).as("a visitor without a sealed session cookie was let through").isNotNull();
        try {
            assertThat(answer.status().code()).isIn(200, 302, 401);
        } finally {
            answer.release();
        }
    }
}
