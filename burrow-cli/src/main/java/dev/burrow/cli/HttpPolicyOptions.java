package dev.burrow.cli;

import dev.burrow.agent.config.PolicyShorthands;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The traffic policy flags of {@code burrow http}: those of every tunnel, and the HTTP shorthands, each of which
 * becomes a rule ahead of the policy file's ({@link PolicyShorthands}, where the keys of {@code burrow.yml} go too).
 */
final class HttpPolicyOptions extends PolicyOptions {
    @Option(names = "--oauth", paramLabel = "github|google|gitlab|oidc",
            description = "Visitors sign in with this provider first: github, google or gitlab (an oauth rule), or any"
                    + " OpenID provider with --oidc-issuer (an oidc rule). Needs --oauth-client-id and"
                    + " --oauth-client-secret (or $BURROW_OAUTH_CLIENT_SECRET); the provider must allow the redirect"
                    + " URL <tunnel URL>/.burrow/oauth/callback.")
    String oauth;

    @Option(names = "--oidc-issuer", paramLabel = "URL", description = "The OpenID provider's issuer URL, for"
            + " --oauth oidc (its /.well-known/openid-configuration is read).")
    String oidcIssuer;

    @Option(names = "--oauth-client-id", paramLabel = "ID", description = "The client id registered with the provider.")
    String oauthClientId;

    @Option(names = "--oauth-client-secret", paramLabel = "SECRET",
            description = "The client secret; $BURROW_OAUTH_CLIENT_SECRET keeps it out of the process list.")
    String oauthClientSecret;

    @Option(names = "--oauth-allow-email", paramLabel = "EMAIL", split = ",",
            description = "Only these accounts may sign in (repeatable).")
    List<String> oauthAllowEmail = new ArrayList<>();

    @Option(names = "--oauth-allow-domain", paramLabel = "DOMAIN", split = ",",
            description = "Only accounts whose verified email is in these domains may sign in (repeatable).")
    List<String> oauthAllowDomain = new ArrayList<>();

    @Option(names = "--verify-webhook", paramLabel = "PROVIDER",
            description = "Let in only webhooks signed with --verify-webhook-secret as PROVIDER signs them: github,"
                    + " stripe, slack, shopify, twilio, or generic (an HMAC-SHA256 in hex in --verify-webhook-header)."
                    + " The edge reads each body whole (up to 1 MiB) to check it. A shorthand for a verify-webhook"
                    + " rule.")
    String verifyWebhook;

    @Option(names = "--verify-webhook-secret", paramLabel = "SECRET",
            description = "The webhook's signing secret; $BURROW_VERIFY_WEBHOOK_SECRET keeps it out of the process"
                    + " list.")
    String verifyWebhookSecret;

    @Option(names = "--verify-webhook-header", paramLabel = "NAME",
            description = "The header that carries the signature, for --verify-webhook generic.")
    String verifyWebhookHeader;

    @Option(names = "--basic-auth", paramLabel = "USER:PASSWORD",
            description = "Ask visitors for this user name and password (repeatable: any pair lets in). A shorthand"
                    + " for a basic-auth rule; the edge compares in constant time and never logs it.")
    List<String> basicAuth = new ArrayList<>();

    @Option(names = "--mutual-tls-cas", paramLabel = "FILE",
            description = "Take only visitors over HTTPS who present a client certificate issued by a CA in this PEM"
                    + " file (mutual TLS); others fail the TLS handshake, plain HTTP gets 403. A shorthand for a"
                    + " terminate-tls rule, which carries the file's certificates to the edge.")
    Path mutualTlsCas;

    @Option(names = "--rate-limit", paramLabel = "N/DURATION",
            description = "At most N requests per DURATION (such as 100/1m) from each client address, or from each"
                    + " value of --rate-limit-header; more get 429 with Retry-After. A shorthand for a rate-limit rule.")
    String rateLimit;

    @Option(names = "--rate-limit-header", paramLabel = "NAME",
            description = "Count --rate-limit per value of this request header (an API key, say) instead of per"
                    + " client address; requests without it are counted by address.")
    String rateLimitHeader;

    @Option(names = "--request-header-add", paramLabel = "NAME:VALUE",
            description = "Add this header to every request sent upstream (repeatable).")
    List<String> requestHeaderAdd = new ArrayList<>();

    @Option(names = "--request-header-remove", paramLabel = "NAME",
            description = "Remove this header from every request sent upstream (repeatable).")
    List<String> requestHeaderRemove = new ArrayList<>();

    @Option(names = "--response-header-add", paramLabel = "NAME:VALUE",
            description = "Add this header to every response sent to visitors (repeatable).")
    List<String> responseHeaderAdd = new ArrayList<>();

    @Option(names = "--response-header-remove", paramLabel = "NAME",
            description = "Remove this header from every response sent to visitors (repeatable).")
    List<String> responseHeaderRemove = new ArrayList<>();

    @Option(names = "--compression",
            description = "Have the edge compress response bodies (gzip or deflate) for visitors that accept it. A"
                    + " shorthand for a compress-response rule.")
    boolean compression;

    @Option(names = "--url-rewrite", paramLabel = "FROM TO", arity = "2",
            description = "Rewrite the path of requests matching the regular expression FROM (RE2) to TO, where $1"
                    + " names a group; the visitor's URL does not change.")
    List<String> urlRewrite = new ArrayList<>();

    @Override
    PolicyShorthands shorthands() {
        List<List<String>> rewrites = new ArrayList<>();
        for (int i = 0; i + 1 < urlRewrite.size(); i += 2) {
            rewrites.add(List.of(urlRewrite.get(i), urlRewrite.get(i + 1)));
        }
        return new PolicyShorthands(given(cidrAllow), given(cidrDeny),
                mutualTlsCas == null ? null : mutualTlsCas.toString(), oauth, oidcIssuer, oauthClientId,
                oauthClientSecret, given(oauthAllowEmail), given(oauthAllowDomain), verifyWebhook, verifyWebhookSecret,
                verifyWebhookHeader, given(basicAuth), rateLimit, rateLimitHeader, given(requestHeaderAdd),
                given(requestHeaderRemove), given(responseHeaderAdd), given(responseHeaderRemove),
                compression ? Boolean.TRUE : null, given(rewrites));
    }
}
