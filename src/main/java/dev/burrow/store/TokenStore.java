package dev.burrow.store;

import java.util.List;
import java.util.Optional;

/**
 * Agent authtokens. Only a hash of each secret is kept, so a token can be shown exactly once, at creation.
 */
public interface TokenStore {

    /**
     * Issues a new token.
     *
     * @throws StoreException if an active token already has this name
     * @throws IllegalArgumentException if the name is blank or too long
     */
    IssuedToken create(String name);

    /**
     * Checks a token presented by an agent and records the use. Malformed, unknown and revoked tokens all yield
     * empty, so callers cannot tell an attacker which part was wrong.
     */
    Optional<TokenRecord> verify(String presentedToken);

    /** All tokens, revoked ones included, newest first. */
    List<TokenRecord> list();

    /**
     * Revokes the active token with this id or, failing that, this name.
     *
     * @return false if no active token matched
     */
    boolean revoke(String idOrName);
}
