package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.PolicyException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** The sign-in actions read from their configs: each a {@link SignIn} over its provider. */
final class SignIns {
    private static final List<String> OPENID_SCOPES = List.of("openid", "email", "profile");

    private SignIns() {
    }

    /** {@code oidc}: any OpenID provider, by its {@code issuer_url}. */
    static Action oidc(ActionConfig config) throws PolicyException {
        config.only(keys("issuer_url"));
        URI issuer = url(config, "issuer_url", null);
        return openId(config, issuer, "oidc");
    }

    private static Action openId(ActionConfig config, URI issuer, String defaultAuthId) throws PolicyException {
        SignInSettings settings = SignInSettings.read(config, OPENID_SCOPES, defaultAuthId);
        if (!settings.hasScope("openid")) {
            throw config.problem("'scopes' must include openid");
        }
        OidcProvider provider = new OidcProvider(issuer, settings.clientId(), settings.clientSecret(),
                System::nanoTime, System::currentTimeMillis);
        return new SignIn(provider, settings, issuer.toString(), System::currentTimeMillis);
    }

    /** An http or https URL with a host; {@code otherwise} when absent, and when that is null the key is required. */
    private static URI url(ActionConfig config, String key, URI otherwise) throws PolicyException {
        if (!config.has(key) && otherwise != null) {
            return otherwise;
        }
        URI url;
        try {
            url = URI.create(config.string(key));
        } catch (IllegalArgumentException e) {
            throw config.problem("'" + key + "' is not a URL");
        }
        if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme()) || url.getHost() == null) {
            throw config.problem("'" + key + "' must be an http or https URL");
        }
        return url;
    }

    private static String[] keys(String... own) {
        List<String> all = new ArrayList<>(List.of(own));
        all.addAll(SignInSettings.KEYS);
        return all.toArray(String[]::new);
    }
}
