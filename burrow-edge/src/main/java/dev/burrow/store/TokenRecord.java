package dev.burrow.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** What the store knows about a token, minus anything that would let someone use it. */
public record TokenRecord(String id, String name, String account, TokenScope scope, Instant createdAt,
                          Optional<Instant> lastUsedAt, Optional<Instant> revokedAt) {

    public TokenRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        Objects.requireNonNull(revokedAt, "revokedAt");
    }

    public boolean active() {
        return revokedAt.isEmpty();
    }

    TokenRecord usedAt(Instant when) {
        return new TokenRecord(id, name, account, scope, createdAt, Optional.of(when), revokedAt);
    }
}
