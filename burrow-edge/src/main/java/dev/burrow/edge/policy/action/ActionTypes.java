package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.Phase;
import dev.burrow.edge.policy.PolicyException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every action a traffic policy may name, with the phases it runs in. The names are ngrok's, so a user's knowledge
 * carries over. Adding an action is a file and a line here.
 */
public final class ActionTypes {
    /** Builds an action from its config, refusing a config it cannot use. */
    @FunctionalInterface
    interface Factory {
        Action create(ActionConfig config) throws PolicyException;
    }

    private record Type(Set<Phase> phases, Factory factory) {
    }

    private static final Set<Phase> HTTP_REQUEST = EnumSet.of(Phase.ON_HTTP_REQUEST);
    private static final Set<Phase> HTTP_RESPONSE = EnumSet.of(Phase.ON_HTTP_RESPONSE);
    private static final Set<Phase> HTTP = EnumSet.of(Phase.ON_HTTP_REQUEST, Phase.ON_HTTP_RESPONSE);
    private static final Set<Phase> REQUEST_OR_CONNECT = EnumSet.of(Phase.ON_HTTP_REQUEST, Phase.ON_TCP_CONNECT);
    private static final Set<Phase> CONNECT = EnumSet.of(Phase.ON_TCP_CONNECT);
    private static final Set<Phase> ANY = EnumSet.allOf(Phase.class);

    private static final Map<String, Type> TYPES = new TreeMap<>(Map.ofEntries(
            Map.entry("add-headers", new Type(HTTP, AddHeaders::new)),
            Map.entry("basic-auth", new Type(HTTP_REQUEST, BasicAuth::new)),
            Map.entry("circuit-breaker", new Type(HTTP_REQUEST, CircuitBreaker::new)),
            Map.entry("compress-response", new Type(HTTP_RESPONSE, CompressResponse::new)),
            Map.entry("custom-response", new Type(HTTP_REQUEST, CustomResponse::new)),
            Map.entry("deny", new Type(REQUEST_OR_CONNECT, Deny::new)),
            Map.entry("jwt-validation", new Type(HTTP_REQUEST, JwtValidation::new)),
            Map.entry("log", new Type(ANY, Log::new)),
            Map.entry("oauth", new Type(HTTP_REQUEST, SignIns::oauth)),
            Map.entry("oidc", new Type(HTTP_REQUEST, SignIns::oidc)),
            Map.entry("rate-limit", new Type(HTTP_REQUEST, RateLimit::new)),
            Map.entry("redirect", new Type(HTTP_REQUEST, Redirect::new)),
            Map.entry("remove-headers", new Type(HTTP, RemoveHeaders::new)),
            Map.entry("restrict-ips", new Type(REQUEST_OR_CONNECT, RestrictIps::new)),
            Map.entry("set-vars", new Type(ANY, SetVars::new)),
            Map.entry("terminate-tls", new Type(CONNECT, TerminateTls::new)),
            Map.entry("url-rewrite", new Type(HTTP_REQUEST, UrlRewrite::new)),
            Map.entry("verify-webhook", new Type(HTTP_REQUEST, VerifyWebhook::new))));

    private ActionTypes() {
    }

    /** Every action type's name, as a policy names it ({@code add-headers}). */
    public static Set<String> names() {
        return Set.copyOf(TYPES.keySet());
    }

    /** The action {@code type} in {@code phase}, built from {@code config}. */
    public static Action create(String type, Phase phase, ActionConfig config) throws PolicyException {
        Type known = TYPES.get(type);
        if (known == null) {
            throw new PolicyException(config.line(), "unknown action type '" + type + "' (known: "
                    + String.join(", ", TYPES.keySet()) + ")");
        }
        if (!known.phases().contains(phase)) {
            throw new PolicyException(config.line(), "action '" + type + "' cannot run in " + phase.key());
        }
        return known.factory().create(config);
    }
}
