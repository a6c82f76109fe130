package dev.burrow.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.edge.policy.Phase;
import dev.burrow.tls.ClientAuthorities;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The traffic policy flags of {@code burrow http}: those of every tunnel, and the HTTP shorthands, each of which
 * becomes a rule ahead of the policy file's (in the order listed here).
 */
final class HttpPolicyOptions extends PolicyOptions {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The CAs travel inside the policy, itself at most 32 KiB. */
    private static final long MAX_CA_FILE = 24 * 1024;

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
    void addShorthands(CommandLine commandLine, ObjectNode policy) {
        if (mutualTlsCas != null) {
            ObjectNode config = NODES.objectNode();
            config.set("mutual_tls_certificate_authorities", NODES.arrayNode().add(certificateAuthorities(commandLine)));
            add(commandLine, policy, Phase.ON_TCP_CONNECT, "--mutual-tls-cas", "terminate-tls", config);
        }
        if (oauth != null) {
            add(commandLine, policy, Phase.ON_HTTP_REQUEST, "--oauth", oauth.equals("oidc") ? "oidc" : "oauth",
                    oauthConfig(commandLine));
        } else if (oidcIssuer != null || oauthClientId != null || !oauthAllowEmail.isEmpty()
                || !oauthAllowDomain.isEmpty()) {
            throw new ParameterException(commandLine, "--oidc-issuer, --oauth-client-id and --oauth-allow-* go with"
                    + " --oauth");
        }
        if (verifyWebhook != null) {
            add(commandLine, policy, Phase.ON_HTTP_REQUEST, "--verify-webhook", "verify-webhook",
                    webhookConfig(commandLine));
        } else if (verifyWebhookSecret != null || verifyWebhookHeader != null) {
            throw new ParameterException(commandLine, "--verify-webhook-secret and --verify-webhook-header go with"
                    + " --verify-webhook");
        }
        if (!basicAuth.isEmpty()) {
            ObjectNode config = NODES.objectNode();
            config.set("credentials", strings(basicAuth));
            add(commandLine, policy, Phase.ON_HTTP_REQUEST, "--basic-auth", "basic-auth", config);
        }
        if (rateLimit != null) {
            add(commandLine, policy, Phase.ON_HTTP_REQUEST, "--rate-limit", "rate-limit", rateLimitConfig(commandLine));
        } else if (rateLimitHeader != null) {
            throw new ParameterException(commandLine, "--rate-limit-header goes with --rate-limit");
        }
        headers(commandLine, policy, Phase.ON_HTTP_REQUEST, "--request-header-add", requestHeaderAdd);
        removals(commandLine, policy, Phase.ON_HTTP_REQUEST, "--request-header-remove", requestHeaderRemove);
        headers(commandLine, policy, Phase.ON_HTTP_RESPONSE, "--response-header-add", responseHeaderAdd);
        removals(commandLine, policy, Phase.ON_HTTP_RESPONSE, "--response-header-remove", responseHeaderRemove);
        if (compression) {
            add(commandLine, policy, Phase.ON_HTTP_RESPONSE, "--compression", "compress-response",
                    NODES.objectNode());
        }
        for (int i = 0; i + 1 < urlRewrite.size(); i += 2) {
            ObjectNode config = NODES.objectNode().put("from", urlRewrite.get(i)).put("to", urlRewrite.get(i + 1));
            add(commandLine, policy, Phase.ON_HTTP_REQUEST, "--url-rewrite", "url-rewrite", config);
        }
    }

    private ObjectNode webhookConfig(CommandLine commandLine) {
        String secret = verifyWebhookSecret != null ? verifyWebhookSecret
                : System.getenv("BURROW_VERIFY_WEBHOOK_SECRET");
        if (secret == null) {
            throw new ParameterException(commandLine, "--verify-webhook needs --verify-webhook-secret (or"
                    + " $BURROW_VERIFY_WEBHOOK_SECRET)");
        }
        ObjectNode config = NODES.objectNode().put("provider", verifyWebhook).put("secret", secret);
        if (verifyWebhook.equals("generic")) {
            if (verifyWebhookHeader == null) {
                throw new ParameterException(commandLine, "--verify-webhook generic needs --verify-webhook-header");
            }
            config.put("header", verifyWebhookHeader);
        } else if (verifyWebhookHeader != null) {
            throw new ParameterException(commandLine, "--verify-webhook-header is for --verify-webhook generic");
        }
        return config;
    }

    /** The PEM text of {@code --mutual-tls-cas}, checked here so that a mistake names the file. */
    private String certificateAuthorities(CommandLine commandLine) {
        String text;
        try {
            if (Files.size(mutualTlsCas) > MAX_CA_FILE) {
                throw new ParameterException(commandLine, "--mutual-tls-cas: " + mutualTlsCas + " is over "
                        + MAX_CA_FILE / 1024 + " KiB; a policy carries at most 32 KiB");
            }
            // ISO-8859-1 decodes any bytes, so a DER file gets the parser's "no PEM certificate" answer.
            text = Files.readString(mutualTlsCas, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new ParameterException(commandLine, "--mutual-tls-cas: cannot read " + mutualTlsCas + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
        try {
            ClientAuthorities.read(text, mutualTlsCas.toString());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new ParameterException(commandLine, "--mutual-tls-cas: " + e.getMessage());
        }
        return text;
    }

    private ObjectNode rateLimitConfig(CommandLine commandLine) {
        int slash = rateLimit.indexOf('/');
        if (slash <= 0 || !rateLimit.substring(0, slash).matches("\\d{1,7}")) {
            throw new ParameterException(commandLine, "--rate-limit: '" + rateLimit + "' is not N/DURATION, such as"
                    + " 100/1m");
        }
        ObjectNode config = NODES.objectNode().put("capacity", Integer.parseInt(rateLimit.substring(0, slash)))
                .put("rate", rateLimit.substring(slash + 1));
        if (rateLimitHeader != null) {
            if (!rateLimitHeader.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                throw new ParameterException(commandLine, "--rate-limit-header: '" + rateLimitHeader
                        + "' is not a header name");
            }
            String name = rateLimitHeader.toLowerCase(java.util.Locale.ROOT);
            // A request without the header is counted by its address rather than failing the expression.
            config.set("bucket_key", NODES.arrayNode().add("'" + name + "' in req.headers ? req.headers['" + name
                    + "'][0] : conn.client_ip"));
        }
        return config;
    }

    /** The config of an oidc rule for {@code --oauth oidc}, of an oauth rule naming the provider otherwise. */
    private ObjectNode oauthConfig(CommandLine commandLine) {
        ObjectNode config = NODES.objectNode();
        switch (oauth) {
            case "github", "google", "gitlab" -> {
                if (oidcIssuer != null) {
                    throw new ParameterException(commandLine, "--oidc-issuer goes with --oauth oidc");
                }
                config.put("provider", oauth);
            }
            case "oidc" -> {
                if (oidcIssuer == null) {
                    throw new ParameterException(commandLine, "--oauth oidc needs --oidc-issuer URL");
                }
                config.put("issuer_url", oidcIssuer);
            }
            default -> throw new ParameterException(commandLine, "--oauth: '" + oauth + "' is not github, google,"
                    + " gitlab or oidc");
        }
        String secret = oauthClientSecret != null ? oauthClientSecret : System.getenv("BURROW_OAUTH_CLIENT_SECRET");
        if (oauthClientId == null || secret == null) {
            throw new ParameterException(commandLine, "--oauth needs --oauth-client-id and --oauth-client-secret"
                    + " (or $BURROW_OAUTH_CLIENT_SECRET)");
        }
        config.put("client_id", oauthClientId).put("client_secret", secret);
        if (!oauthAllowEmail.isEmpty()) {
            config.set("allow_emails", strings(oauthAllowEmail));
        }
        if (!oauthAllowDomain.isEmpty()) {
            config.set("allow_domains", strings(oauthAllowDomain));
        }
        return config;
    }

    private static void headers(CommandLine commandLine, ObjectNode policy, Phase phase, String flag,
                                List<String> fields) {
        if (fields.isEmpty()) {
            return;
        }
        ObjectNode headers = NODES.objectNode();
        for (String field : fields) {
            int colon = field.indexOf(':');
            if (colon <= 0) {
                throw new ParameterException(commandLine, flag + ": '" + field + "' is not NAME:VALUE");
            }
            headers.put(field.substring(0, colon).strip(), field.substring(colon + 1).strip());
        }
        ObjectNode config = NODES.objectNode();
        config.set("headers", headers);
        add(commandLine, policy, phase, flag, "add-headers", config);
    }

    private static void removals(CommandLine commandLine, ObjectNode policy, Phase phase, String flag,
                                 List<String> names) {
        if (!names.isEmpty()) {
            ObjectNode config = NODES.objectNode();
            config.set("headers", strings(names));
            add(commandLine, policy, phase, flag, "remove-headers", config);
        }
    }
}
