package dev.burrow.edge.policy.action;

import static dev.burrow.edge.policy.action.ActionFixtures.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.policy.TrafficPolicy;
import org.junit.jupiter.api.Test;

/** The sign-in actions' configs: what each refuses, on the action's line, before anything is fetched. */
class SignInConfigTest {
    private static String oauth(String config) {
        return "on_http_request:\n  - name: sign in\n    actions:\n      - type: oauth\n        config:\n"
                + config.indent(10);
    }

    @Test
    void anOauthConfigNamesItsMistakeOnTheActionsLine() {
        assertThat(problem(oauth("provider: bitbucket\nclient_id: c\nclient_secret: s")))
                .isEqualTo("line 4: action 'oauth': 'provider' must be github, google or gitlab, not 'bitbucket'");
        assertThat(problem(oauth("client_id: c\nclient_secret: s")))
                .isEqualTo("line 4: action 'oauth': config needs 'provider'");
        assertThat(problem(oauth("provider: github\nclient_secret: s")))
                .isEqualTo("line 4: action 'oauth': config needs 'client_id'");
        assertThat(problem(oauth("provider: google\nclient_id: c\nclient_secret: s\ngithub_url: https://ghe.test")))
                .isEqualTo("line 4: action 'oauth': 'github_url' goes with provider github");
        assertThat(problem(oauth("provider: github\nclient_id: c\nclient_secret: s\ngithub_api_url: ghe.test/api")))
                .isEqualTo("line 4: action 'oauth': 'github_api_url' must be an http or https URL");
        assertThat(problem(oauth("provider: gitlab\nclient_id: c\nclient_secret: s\nscopes: [email]")))
                .isEqualTo("line 4: action 'oauth': 'scopes' must include openid");
        assertThat(problem(oauth("provider: github\nclient_id: c\nclient_secret: s\nauth_id: Team-A")))
                .isEqualTo("line 4: action 'oauth': 'auth_id' is 1-32 of a-z, 0-9 and _");
        assertThat(problem(oauth("provider: github\nclient_id: c\nclient_secret: s\nissuer_url: https://x.test")))
                .startsWith("line 4: action 'oauth': unknown config key 'issuer_url' (known: provider, github_url,"
                        + " github_api_url, client_id, client_secret, scopes,");
    }

    @Test
    void theOidcActionKeepsItsOwnKeys() {
        assertThat(problem("on_http_request:\n  - actions:\n      - type: oidc\n        config:\n"
                + "          {issuer_url: \"https://id.test\", client_id: c, client_secret: s, provider: github}\n"))
                .startsWith("line 3: action 'oidc': unknown config key 'provider'");
        assertThat(problem("on_http_request:\n  - actions:\n      - type: oidc\n        config:\n"
                + "          {issuer_url: \"id.test\", client_id: c, client_secret: s}\n"))
                .isEqualTo("line 3: action 'oidc': 'issuer_url' must be an http or https URL");
    }

    @Test
    void eachProviderCompilesWithoutReachingIt() throws PolicyException {
        for (String provider : new String[] {"github", "google", "gitlab"}) {
            TrafficPolicy policy = TrafficPolicy.compile(oauth("provider: " + provider
                    + "\nclient_id: c\nclient_secret: s\nallow_domains: [example.test]"));

            assertThat(policy.has(dev.burrow.edge.policy.Phase.ON_HTTP_REQUEST)).as(provider).isTrue();
        }
    }
}
