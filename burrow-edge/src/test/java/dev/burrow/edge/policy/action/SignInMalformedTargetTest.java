package dev.burrow.edge.policy.action;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.policy.TestPolicies;
import dev.burrow.edge.policy.TrafficPolicy;
import io.netty.handler.codec.http.FullHttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A visitor's request target with a malformed percent-escape (which the edge relays as it came) before sign-in: the
 * visitor is asked to sign in, or told the sign-in failed, rather than the rule failing with a 500.
 */
class SignInMalformedTargetTest {
    private static TrafficPolicy signIn() throws PolicyException {
        return TrafficPolicy.compile("on_http_request:\n  - actions:\n      - type: oauth\n"
                + "        config: {provider: github, client_id: c, client_secret: s}\n");
    }

    private static int status(String target) throws PolicyException {
        FullHttpResponse answer = TestPolicies.decideAtOnce(signIn(), ActionFixtures.get(target),
                ActionFixtures.TUNNEL, ActionFixtures.CLIENT);
        try {
            return answer.status().code();
        } finally {
            answer.release();
        }
    }

    @Test
    void aMalformedPathIsAskedToSignIn() throws PolicyException {
        assertThat(status("/%zz")).isEqualTo(302);
    }

    @Test
    void aCallbackWithAMalformedQueryIsAFailedSignIn() throws PolicyException {
        assertThat(status(SignIn.CALLBACK + "?state=%zz&code=c")).isEqualTo(401);
    }
}
