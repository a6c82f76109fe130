package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.transport.HopByHopHeaders;
import java.util.Locale;

/** The checks a header field set or removed by a policy must pass, at bind rather than per request. */
final class HeaderFields {
    private HeaderFields() {
    }

    /**
     * A field name: an RFC 9110 token, and not one the edge manages itself (hop-by-hop, {@code burrow-*}, the
     * verified client certificate's subject).
     */
    static String name(ActionConfig config, String name) throws PolicyException {
        if (name.isEmpty() || !name.chars().allMatch(HeaderFields::isTokenChar)) {
            throw config.problem("'" + name + "' is not a header field name");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("burrow-") || HopByHopHeaders.isHopByHop(lower) || lower.equals("host")
                || lower.equals("content-length") || lower.equals("transfer-encoding")
                || lower.equalsIgnoreCase(TrafficPolicy.CLIENT_CERT_SUBJECT)) {
            throw config.problem("header '" + name + "' is the edge's to set, not a policy's");
        }
        return name;
    }

    /** A field value: no control characters but tab, which would split or end the head. */
    static String value(ActionConfig config, String name, String value) throws PolicyException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7F) {
                throw config.problem("the value of '" + name + "' holds a control character");
            }
        }
        return value.strip();
    }

    private static boolean isTokenChar(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
