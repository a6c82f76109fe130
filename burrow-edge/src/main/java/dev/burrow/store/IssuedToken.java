package dev.burrow.store;

import java.util.Objects;

/** A freshly created token; {@code token} is the only copy of the plaintext that will ever exist. */
public record IssuedToken(TokenRecord record, String token) {

    public IssuedToken {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(token, "token");
    }

    // Keeps the secret out of logs that print the whole object.
    @Override
    public String toString() {
        return "IssuedToken[record=" + record + ", token=<redacted>]";
    }
}
