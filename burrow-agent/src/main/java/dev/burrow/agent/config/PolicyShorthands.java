package dev.burrow.agent.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.protocol.TunnelType;
import dev.burrow.tls.ClientAuthorities;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The shorthands for common traffic policy rules, one way for all who take them: the flags of {@code burrow http}
 * ({@code --basic-auth}), the keys of a tunnel in {@code burrow.yml} and in the agent API ({@code basic_auth}). Each
 * becomes a rule ahead of the tunnel's own policy, in the order of {@link #rules}, named as its user spelt it. All
 * absent by default; only the CIDR ones apply to TCP and TLS tunnels.
 *
 * <p>Secrets may come from the environment instead: {@code $BURROW_OAUTH_CLIENT_SECRET},
 * {@code $BURROW_VERIFY_WEBHOOK_SECRET}. {@code mutualTlsCas} names a PEM file the agent reads.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyShorthands(List<String> cidrAllow, List<String> cidrDeny, String mutualTlsCas, String oauth,
                               String oidcIssuer, String oauthClientId, String oauthClientSecret,
                               List<String> oauthAllowEmail, List<String> oauthAllowDomain, String verifyWebhook,
                               String verifyWebhookSecret, String verifyWebhookHeader, List<String> basicAuth,
                               String rateLimit, String rateLimitHeader, List<String> requestHeaderAdd,
                               List<String> requestHeaderRemove, List<String> responseHeaderAdd,
                               List<String> responseHeaderRemove, Boolean compression, List<List<String>> urlRewrite) {
    /** No shorthand given. */
    public static final PolicyShorthands NONE = new PolicyShorthands(null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null);
    /** Every shorthand's key, as a tunnel's mapping spells it ({@code basic_auth}). */
    public static final Set<String> KEYS = Arrays.stream(PolicyShorthands.class.getRecordComponents())
            .map(component -> ((PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE)
                    .translate(component.getName()))
            .collect(Collectors.toUnmodifiableSet());
    /** The largest CA file: a policy carries at most 32 KiB in all. */
    public static final long MAX_CA_FILE = 24 * 1024;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One rule a shorthand makes: in {@code phase} (its key), named {@code name}, one action. */
    public record Rule(String phase, String name, String type, ObjectNode config) {
        /** The rule as a policy holds it. */
        public ObjectNode node() {
            ObjectNode rule = NODES.objectNode().put("name", name);
            rule.set("actions", NODES.arrayNode().add(NODES.objectNode().put("type", type).set("config", config)));
            return rule;
        }
    }

    /**
     * The rules, in this order: CIDR, mutual TLS, sign-in, webhook, basic auth, rate limit, request headers, response
     * headers, compression, rewrites.
     *
     * @param spelling a shorthand's name as its user wrote it, from its flag's name without dashes
     *     ({@code basic-auth}): {@code --basic-auth}, or {@code basic_auth}
     * @param base what a relative {@code mutualTlsCas} path is resolved against
     * @throws IllegalArgumentException naming the shorthand, for a missing part or a malformed value
     */
    public List<Rule> rules(TunnelType type, UnaryOperator<String> spelling, Path base) {
        Rules rules = new Rules(spelling);
        if (cidrAllow != null || cidrDeny != null) {
            ObjectNode config = NODES.objectNode();
            if (cidrAllow != null) {
                config.set("allow", strings(cidrAllow));
            }
            if (cidrDeny != null) {
                config.set("deny", strings(cidrDeny));
            }
            rules.add(type == TunnelType.HTTP ? "on_http_request" : "on_tcp_connect",
                    spelling.apply("cidr-allow") + "/" + spelling.apply("cidr-deny"), "restrict-ips", config);
        }
        if (type != TunnelType.HTTP) {
            if (!equals(cidr(cidrAllow, cidrDeny))) {
                throw new IllegalArgumentException("only " + spelling.apply("cidr-allow") + " and "
                        + spelling.apply("cidr-deny") + " apply to a " + type.wireName() + " tunnel");
            }
            return rules.made;
        }
        if (mutualTlsCas != null) {
            ObjectNode config = NODES.objectNode();
            config.set("mutual_tls_certificate_authorities",
                    NODES.arrayNode().add(certificateAuthorities(spelling, base)));
            rules.add("on_tcp_connect", spelling.apply("mutual-tls-cas"), "terminate-tls", config);
        }
        if (oauth != null) {
            rules.add("on_http_request", spelling.apply("oauth"), oauth.equals("oidc") ? "oidc" : "oauth",
                    oauthConfig(spelling));
        } else if (oidcIssuer != null || oauthClientId != null || oauthAllowEmail != null
                || oauthAllowDomain != null) {
            throw new IllegalArgumentException(spelling.apply("oidc-issuer") + ", " + spelling.apply("oauth-client-id")
                    + " and " + spelling.apply("oauth-allow-*") + " go with " + spelling.apply("oauth"));
        }
        if (verifyWebhook != null) {
            rules.add("on_http_request", spelling.apply("verify-webhook"), "verify-webhook", webhookConfig(spelling));
        } else if (verifyWebhookSecret != null || verifyWebhookHeader != null) {
            throw new IllegalArgumentException(spelling.apply("verify-webhook-secret") + " and "
                    + spelling.apply("verify-webhook-header") + " go with " + spelling.apply("verify-webhook"));
        }
        if (basicAuth != null) {
            ObjectNode config = NODES.objectNode();
            config.set("credentials", strings(basicAuth));
            rules.add("on_http_request", spelling.apply("basic-auth"), "basic-auth", config);
        }
        if (rateLimit != null) {
            rules.add("on_http_request", spelling.apply("rate-limit"), "rate-limit", rateLimitConfig(spelling));
        } else if (rateLimitHeader != null) {
            throw new IllegalArgumentException(spelling.apply("rate-limit-header") + " goes with "
                    + spelling.apply("rate-limit"));
        }
        rules.headers("on_http_request", "request-header-add", requestHeaderAdd);
        rules.removals("on_http_request", "request-header-remove", requestHeaderRemove);
        rules.headers("on_http_response", "response-header-add", responseHeaderAdd);
        rules.removals("on_http_response", "response-header-remove", responseHeaderRemove);
        if (Boolean.TRUE.equals(compression)) {
            rules.add("on_http_response", spelling.apply("compression"), "compress-response", NODES.objectNode());
        }
        for (List<String> rewrite : urlRewrite == null ? List.<List<String>>of() : urlRewrite) {
            if (rewrite == null || rewrite.size() != 2) {
                throw new IllegalArgumentException(spelling.apply("url-rewrite") + ": each is a FROM and a TO");
            }
            rules.add("on_http_request", spelling.apply("url-rewrite"), "url-rewrite",
                    NODES.objectNode().put("from", rewrite.get(0)).put("to", rewrite.get(1)));
        }
        return rules.made;
    }

    /**
     * The policy a tunnel binds with: these shorthands' rules, then those of its own {@code trafficPolicy} (a
     * mapping of phases, or null), as the text a bind carries (JSON); null when there are none.
     *
     * @param spelling as for {@link #rules}
     * @throws IllegalArgumentException as {@link #rules} does
     */
    public String policyText(TunnelType type, JsonNode trafficPolicy, UnaryOperator<String> spelling, Path base) {
        ObjectNode policy = NODES.objectNode();
        for (Rule rule : rules(type, spelling, base)) {
            policy.withArray(rule.phase()).add(rule.node());
        }
        if (trafficPolicy != null) {
            trafficPolicy.fields().forEachRemaining(phase -> {
                if (policy.get(phase.getKey()) instanceof ArrayNode made && phase.getValue().isArray()) {
                    made.addAll((ArrayNode) phase.getValue());
                } else {
                    // Whatever else it holds, the edge's compiler judges and names.
                    policy.set(phase.getKey(), phase.getValue());
                }
            });
        }
        return policy.isEmpty() ? null : policy.toString();
    }

    /** Only the CIDR shorthands, those every tunnel type takes. */
    public static PolicyShorthands cidr(List<String> allow, List<String> deny) {
        return new PolicyShorthands(allow, deny, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null);
    }

    /** The config of an oidc rule for {@code oauth: oidc}, of an oauth rule naming the provider otherwise. */
    private ObjectNode oauthConfig(UnaryOperator<String> spelling) {
        ObjectNode config = NODES.objectNode();
        switch (oauth) {
            case "github", "google", "gitlab" -> {
                if (oidcIssuer != null) {
                    throw new IllegalArgumentException(spelling.apply("oidc-issuer") + " goes with "
                            + spelling.apply("oauth") + " oidc");
                }
                config.put("provider", oauth);
            }
            case "oidc" -> {
                if (oidcIssuer == null) {
                    throw new IllegalArgumentException(spelling.apply("oauth") + " oidc needs "
                            + spelling.apply("oidc-issuer") + " URL");
                }
                config.put("issuer_url", oidcIssuer);
            }
            default -> throw new IllegalArgumentException(spelling.apply("oauth") + ": '" + oauth
                    + "' is not github, google, gitlab or oidc");
        }
        String secret = oauthClientSecret != null ? oauthClientSecret : System.getenv("BURROW_OAUTH_CLIENT_SECRET");
        if (oauthClientId == null || secret == null) {
            throw new IllegalArgumentException(spelling.apply("oauth") + " needs " + spelling.apply("oauth-client-id")
                    + " and " + spelling.apply("oauth-client-secret") + " (or $BURROW_OAUTH_CLIENT_SECRET)");
        }
        config.put("client_id", oauthClientId).put("client_secret", secret);
        if (oauthAllowEmail != null) {
            config.set("allow_emails", strings(oauthAllowEmail));
        }
        if (oauthAllowDomain != null) {
            config.set("allow_domains", strings(oauthAllowDomain));
        }
        return config;
    }

    private ObjectNode webhookConfig(UnaryOperator<String> spelling) {
        String secret = verifyWebhookSecret != null ? verifyWebhookSecret
                : System.getenv("BURROW_VERIFY_WEBHOOK_SECRET");
        if (secret == null) {
            throw new IllegalArgumentException(spelling.apply("verify-webhook") + " needs "
                    + spelling.apply("verify-webhook-secret") + " (or $BURROW_VERIFY_WEBHOOK_SECRET)");
        }
        ObjectNode config = NODES.objectNode().put("provider", verifyWebhook).put("secret", secret);
        if (verifyWebhook.equals("generic")) {
            if (verifyWebhookHeader == null) {
                throw new IllegalArgumentException(spelling.apply("verify-webhook") + " generic needs "
                        + spelling.apply("verify-webhook-header"));
            }
            config.put("header", verifyWebhookHeader);
        } else if (verifyWebhookHeader != null) {
            throw new IllegalArgumentException(spelling.apply("verify-webhook-header") + " is for "
                    + spelling.apply("verify-webhook") + " generic");
        }
        return config;
    }

    /** The PEM text of the CA file, checked here so that a mistake names the file. */
    private String certificateAuthorities(UnaryOperator<String> spelling, Path base) {
        Path file = base.resolve(mutualTlsCas);
        String name = spelling.apply("mutual-tls-cas");
        String text;
        try {
            if (Files.size(file) > MAX_CA_FILE) {
                throw new IllegalArgumentException(name + ": " + file + " is over " + MAX_CA_FILE / 1024
                        + " KiB; a policy carries at most 32 KiB");
            }
            // ISO-8859-1 decodes any bytes, so a DER file gets the parser's "no PEM certificate" answer.
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": cannot read " + file + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
        try {
            ClientAuthorities.read(text, file.toString());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
        return text;
    }

    private ObjectNode rateLimitConfig(UnaryOperator<String> spelling) {
        int slash = rateLimit.indexOf('/');
        if (slash <= 0 || !rateLimit.substring(0, slash).matches("\\d{1,7}")) {
            throw new IllegalArgumentException(spelling.apply("rate-limit") + ": '" + rateLimit
                    + "' is not N/DURATION, such as 100/1m");
        }
        ObjectNode config = NODES.objectNode().put("capacity", Integer.parseInt(rateLimit.substring(0, slash)))
                .put("rate", rateLimit.substring(slash + 1));
        if (rateLimitHeader != null) {
            if (!rateLimitHeader.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                throw new IllegalArgumentException(spelling.apply("rate-limit-header") + ": '" + rateLimitHeader
                        + "' is not a header name");
            }
            String name = rateLimitHeader.toLowerCase(Locale.ROOT);
            // A request without the header is counted by its address rather than failing the expression.
            config.set("bucket_key", NODES.arrayNode().add("'" + name + "' in req.headers ? req.headers['" + name
                    + "'][0] : conn.client_ip"));
        }
        return config;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(value -> array.add(value.strip()));
        return array;
    }

    /** The rules made so far. */
    private static final class Rules {
        private final UnaryOperator<String> spelling;
        private final List<Rule> made = new ArrayList<>();

        Rules(UnaryOperator<String> spelling) {
            this.spelling = spelling;
        }

        void add(String phase, String name, String type, ObjectNode config) {
            made.add(new Rule(phase, name, type, config));
        }

        void headers(String phase, String shorthand, List<String> fields) {
            if (fields == null) {
                return;
            }
            ObjectNode headers = NODES.objectNode();
            for (String field : fields) {
                int colon = field.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException(spelling.apply(shorthand) + ": '" + field
                            + "' is not NAME:VALUE");
                }
                headers.put(field.substring(0, colon).strip(), field.substring(colon + 1).strip());
            }
            ObjectNode config = NODES.objectNode();
            config.set("headers", headers);
            add(phase, spelling.apply(shorthand), "add-headers", config);
        }

        void removals(String phase, String shorthand, List<String> names) {
            if (names != null) {
                ObjectNode config = NODES.objectNode();
                config.set("headers", strings(names));
                add(phase, spelling.apply(shorthand), "remove-headers", config);
            }
        }
    }
}
