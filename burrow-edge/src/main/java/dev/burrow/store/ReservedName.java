package dev.burrow.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A name only one account's agents may bind.
 *
 * @param name relative to the edge's domain: {@code api} stands for {@code api.DOMAIN}
 */
public record ReservedName(String name, String account, Instant createdAt) {
    public ReservedName {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
