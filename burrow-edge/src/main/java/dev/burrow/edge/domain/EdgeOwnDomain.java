package dev.burrow.edge.domain;

import java.util.Locale;

/**
 * The edge's own domain, whose names every account binds without proving anything: no account may be given it, or a
 * domain under it, whichever way the domain is added ({@code burrow edge domain add}, the admin API).
 */
public final class EdgeOwnDomain {
    private EdgeOwnDomain() {
    }

    /** Null if an account may be given {@code domain} on an edge whose domain is {@code edgeDomain}, else why not. */
    public static String refusal(String domain, String edgeDomain) {
        String edge = edgeDomain.toLowerCase(Locale.ROOT);
        String lower = domain.toLowerCase(Locale.ROOT);
        String base = lower.startsWith("*.") ? lower.substring(2) : lower;
        if (base.equals(edge) || base.endsWith("." + edge)) {
            return "domain '" + lower + "' is under the edge's own domain " + edge
                    + ", whose names any account binds without a domain";
        }
        return null;
    }
}
