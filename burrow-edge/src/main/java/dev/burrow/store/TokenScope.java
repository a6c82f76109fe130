package dev.burrow.store;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a token may do: bind only some tunnel types, only some names, and only until it expires. An empty list
 * means no restriction.
 *
 * <p>A name is a hostname under the edge's domain given by its first label ({@code api}), or a full hostname
 * ({@code app.customer.com}). A {@code *} in a name matches one or more of {@code [a-z0-9-]}, never a dot, so
 * {@code pr-*} allows {@code pr-1} and {@code pr-42} but not {@code pr-1.other}.
 *
 * @param types tunnel types by wire name ({@code http}, {@code tcp}, {@code tls})
 * @param names names or patterns, lower case
 */
public record TokenScope(List<String> types, List<String> names, Optional<Instant> expiresAt) {
    public static final TokenScope ANY = new TokenScope(List.of(), List.of(), Optional.empty());
    private static final String NAME = "[a-z0-9*][a-z0-9*-]*(\\.[a-z0-9*][a-z0-9*-]*)*";

    public TokenScope {
        types = List.copyOf(types);
        names = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        Objects.requireNonNull(expiresAt, "expiresAt");
        for (String name : names) {
            if (!name.matches(NAME) || name.length() > 253) {
                throw new IllegalArgumentException("'" + name + "' is not a name or name pattern (letters, digits,"
                        + " '-', '.' and '*')");
            }
        }
    }

    public boolean allowsType(String wireName) {
        return types.isEmpty() || types.contains(wireName);
    }

    /** True if the scope names no names, or one of them matches {@code hostname} (under {@code domain} or not). */
    public boolean allowsName(String hostname, String domain) {
        if (names.isEmpty()) {
            return true;
        }
        String suffix = "." + domain;
        String label = hostname.endsWith(suffix) ? hostname.substring(0, hostname.length() - suffix.length()) : null;
        for (String pattern : names) {
            String subject = pattern.indexOf('.') < 0 ? label : hostname;
            if (subject != null && matches(pattern, subject)) {
                return true;
            }
        }
        return false;
    }

    /** True if the token may be used at {@code now}. */
    public boolean unexpired(Instant now) {
        return expiresAt.isEmpty() || now.isBefore(expiresAt.get());
    }

    private static boolean matches(String pattern, String name) {
        return name.matches(pattern.replace(".", "\\.").replace("*", "[a-z0-9-]+"));
    }
}
