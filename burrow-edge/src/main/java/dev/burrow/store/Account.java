package dev.burrow.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** Who owns tokens, names and usage on an edge. The name is the key: unique, never changed. */
public record Account(String name, String plan, Instant createdAt, Optional<Instant> disabledAt) {

    public Account {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(disabledAt, "disabledAt");
    }

    public boolean enabled() {
        return disabledAt.isEmpty();
    }
}
