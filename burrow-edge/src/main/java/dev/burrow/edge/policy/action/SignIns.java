package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.PolicyException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The sign-in actions read from their configs: each a {@link SignIn} over its provider. */
final class SignIns {
    private static final List<String> OPENID_SCOPES = List.of("openid", "email", "profile");
    private static final List<String> GITHUB_SCOPES = List.of("read:user", "user:email");
    /** The OpenID providers {@code oauth} knows by name, with their issuers. */
    private static final Map<String, URI> ISSUERS = Map.of("google", URI.create("https://accounts.google.com"),
            "gitlab", URI.create("https://gitlab.com"));

    private SignIns() {
    }

    /** {@code oidc}: any OpenID provider, by its {@code issuer_url}. */
    static Action oidc(ActionConfig config) throws PolicyException {
        config.only(keys("issuer_url"));
        URI issuer = url(config, "issuer_url", null);
        return openId(config, issuer, "oidc");
    }

    /**
     * {@code oauth}: a provider by name. google and gitlab are OpenID providers, as {@code oidc} with their issuer;
     * github is GitHub's own OAuth 2.0 flow, at {@code github_url} and {@code github_api_url} for Enterprise Server.
     */
    static Action oauth(ActionConfig config) throws PolicyException {
        config.only(keys("provider", "github_url", "github_api_url"));
        String provider = config.string("provider");
        if (provider.equals("github")) {
            return github(config);
        }
        URI issuer = ISSUERS.get(provider);
        if (issuer == null) {
            throw config.problem("'provider' must be github, google or gitlab, not '" + provider + "'");
        }
        for (String key : List.of("github_url", "github_api_url")) {
            if (config.has(key)) {
                throw config.problem("'" + key + "' goes with provider github");
            }
        }
        return openId(config, issuer, provider);
    }

    private static Action github(ActionConfig config) throws PolicyException {
        URI web = url(config, "github_url", GitHubProvider.GITHUB);
        // Enterprise Server serves its API under /api/v3 of its own host; github.com's is a host of its own.
        URI api = url(config, "github_api_url", "github.com".equalsIgnoreCase(web.getHost())
                ? GitHubProvider.GITHUB_API : URI.create(web.toString().replaceAll("/+$", "") + "/api/v3"));
        SignInSettings settings = SignInSettings.read(config, GITHUB_SCOPES, "github");
        GitHubProvider provider = new GitHubProvider(web, api, settings.clientId(), settings.clientSecret());
        return new SignIn(provider, settings, web.toString(), System::currentTimeMillis);
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
