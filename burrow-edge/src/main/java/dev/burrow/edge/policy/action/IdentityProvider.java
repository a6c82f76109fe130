package dev.burrow.edge.policy.action;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The provider's half of a sign-in ({@link SignIn} holds the visitor's half: cookies, callback, session, allow
 * lists): where a visitor is sent to sign in, and who came back with a code. Neither blocks: a stage completes when
 * the provider has answered, and fails with {@link IllegalStateException} saying why, without a secret or token in
 * the message.
 */
interface IdentityProvider {
    /**
     * The URL that starts a sign-in: the provider's authorization endpoint with {@code parameters} (the flow's own:
     * client, redirect, scopes, state, PKCE challenge) and, where the provider takes one, {@code nonce}.
     */
    CompletionStage<String> authorizationUrl(Map<String, String> parameters, String nonce);

    /** Trades the {@code code} the visitor brought back (with the PKCE verifier) for who the visitor is. */
    CompletionStage<Identity> identity(String code, String verifier, String redirectUri, String nonce);
}
