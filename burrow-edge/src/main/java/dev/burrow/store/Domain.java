package dev.burrow.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A domain outside the edge's own that an account may bind names under once it is verified: one hostname
 * ({@code app.customer.com}), or a wildcard ({@code *.customer.com}) covering the names one label below it. The
 * account proves it owns the domain with a DNS TXT record named {@link #recordName()} holding {@link #recordValue()}.
 *
 * @param name the domain as added, lower case
 * @param challenge the random value the TXT record must hold
 */
public record Domain(String name, String account, String challenge, Instant createdAt,
                     Optional<Instant> verifiedAt) {
    static final String RECORD_PREFIX = "_burrow-challenge.";
    static final String VALUE_PREFIX = "burrow-verify=";
    private static final String WILDCARD = "*.";

    public Domain {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(challenge, "challenge");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(verifiedAt, "verifiedAt");
    }

    public boolean verified() {
        return verifiedAt.isPresent();
    }

    public boolean wildcard() {
        return name.startsWith(WILDCARD);
    }

    /** The TXT record's name: {@code _burrow-challenge.} and the domain without its {@code *.}. */
    public String recordName() {
        return RECORD_PREFIX + (wildcard() ? name.substring(WILDCARD.length()) : name);
    }

    /** The TXT record's value. */
    public String recordValue() {
        return VALUE_PREFIX + challenge;
    }

    /** True if {@code hostname} is this domain's name, or, for a wildcard, one label below the rest of it. */
    public boolean covers(String hostname) {
        return coveringNames(hostname).contains(name);
    }

    /** The domains that would cover {@code hostname}: itself, and the wildcard of its parent if it has one. */
    public static List<String> coveringNames(String hostname) {
        int dot = hostname.indexOf('.');
        String parent = dot < 0 ? "" : hostname.substring(dot + 1);
        return parent.indexOf('.') < 0 ? List.of(hostname) : List.of(hostname, WILDCARD + parent);
    }
}
