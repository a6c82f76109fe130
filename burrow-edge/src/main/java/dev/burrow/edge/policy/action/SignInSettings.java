package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.PolicyException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What every sign-in action ({@code oidc}, {@code oauth}) reads from its config besides its provider: the client's
 * registration, the scopes, who may come in, and how long a session lasts.
 *
 * @param authId names the action's cookies, {@code __burrow_<auth_id>_session}
 */
record SignInSettings(String clientId, String clientSecret, String scopes, List<String> allowEmails,
                      List<String> allowDomains, Duration sessionLength, String authId) {
    /** The config keys read here, which each sign-in action accepts beside its own. */
    static final List<String> KEYS = List.of("client_id", "client_secret", "scopes", "allow_emails", "allow_domains",
            "max_session_duration", "auth_id");

    static SignInSettings read(ActionConfig config, List<String> defaultScopes, String defaultAuthId)
            throws PolicyException {
        List<String> scopes = config.strings("scopes");
        String authId = config.string("auth_id", defaultAuthId);
        if (!authId.matches("[a-z0-9_]{1,32}")) {
            throw config.problem("'auth_id' is 1-32 of a-z, 0-9 and _");
        }
        return new SignInSettings(config.string("client_id"), config.string("client_secret"),
                String.join(" ", scopes.isEmpty() ? defaultScopes : scopes),
                config.strings("allow_emails").stream().map(e -> e.toLowerCase(Locale.ROOT)).toList(),
                config.strings("allow_domains").stream().map(d -> d.toLowerCase(Locale.ROOT)).toList(),
                Duration.ofHours(config.integer("max_session_duration", 12, 1, 24 * 30)), authId);
    }

    /**
     * The address the visitor comes in with: the first of {@code emails} the allow lists admit (the first of all when
     * there are no lists, null when there is none); null too when the lists admit none, see {@link #restricted}.
     */
    String admitted(List<String> emails) {
        if (!restricted()) {
            return emails.isEmpty() ? null : emails.get(0);
        }
        return emails.stream().filter(email -> allowEmails.contains(email)
                || allowDomains.contains(email.substring(email.indexOf('@') + 1))).findFirst().orElse(null);
    }

    /** Whether only the accounts on the allow lists may come in. */
    boolean restricted() {
        return !allowEmails.isEmpty() || !allowDomains.isEmpty();
    }

    boolean hasScope(String scope) {
        return (" " + scopes + " ").contains(" " + scope + " ");
    }
}
