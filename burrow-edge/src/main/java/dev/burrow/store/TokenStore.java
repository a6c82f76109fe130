package dev.burrow.store;

import dev.burrow.protocol.Authtoken;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Agent authtokens. Only a hash of each secret is kept, so a token can be shown exactly once, at creation. Each
 * token belongs to an account; a token of a disabled account, a revoked token and an expired one do not verify.
 */
public interface TokenStore {

    /**
     * Issues a new token for {@code account} ({@link AccountStore#DEFAULT} is made if missing).
     *
     * @throws StoreException if the account does not exist, or an active token already has this name
     * @throws IllegalArgumentException if the name is blank or too long
     */
    IssuedToken create(String account, String name, TokenScope scope);

    /** A token of the default account that may do anything. */
    default IssuedToken create(String name) {
        return create(AccountStore.DEFAULT, name, TokenScope.ANY);
    }

    /**
     * Checks a token presented by an agent and records the use. Malformed, unknown, revoked and expired tokens, and
     * tokens of disabled accounts, all yield empty, so callers cannot tell an attacker which part was wrong.
     */
    Optional<TokenRecord> verify(String presentedToken);

    /**
     * Which of these token ids may no longer be used, each with the reason in a few words ("revoked", "expired",
     * "account disabled", "deleted"): what ends the live sessions that authenticated with them.
     */
    Map<String, String> unusable(Collection<String> ids);

    /**
     * The public id part of a presented token, if the text has a token's shape; whether a token has that id is not
     * looked up. Lets the edge count failed attempts against the token they aimed at.
     */
    static Optional<String> idOf(String presentedToken) {
        return Authtoken.parse(presentedToken).map(Authtoken.Parts::id);
    }

    /** All tokens, revoked ones included, newest first. */
    List<TokenRecord> list();

    /**
     * Revokes the active token with this id or, failing that, this name.
     *
     * @return false if no active token matched
     */
    boolean revoke(String idOrName);
}
