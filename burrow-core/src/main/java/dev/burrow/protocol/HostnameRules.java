package dev.burrow.protocol;

/**
 * What a name a tunnel asks for may be, as the edge checks it and the agent's CLI and config check it before asking:
 * DNS labels and hostnames in lower case.
 */
public final class HostnameRules {
    /** A label's rule in words, for a user who gave something else. */
    public static final String LABEL = "1 to 63 of a-z, 0-9 and '-', not starting or ending with '-'";

    private HostnameRules() {
    }

    /** A DNS label in lower case: 1 to 63 of {@code [a-z0-9-]}, not starting or ending with '-'. */
    public static boolean isValidLabel(String label) {
        return label != null && isValidLabel(label, 0, label.length());
    }

    // A loop, not a regular expression: the edge runs this for every public request (see RoutingBenchmark).
    private static boolean isValidLabel(String s, int from, int to) {
        int length = to - from;
        if (length < 1 || length > 63 || s.charAt(from) == '-' || s.charAt(to - 1) == '-') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** A full hostname: dot-separated valid labels, at most 253 characters, at least two labels. */
    public static boolean isValidHostname(String hostname) {
        if (hostname == null || hostname.length() > 253 || hostname.indexOf('.') < 0) {
            return false;
        }
        int start = 0;
        for (int dot = hostname.indexOf('.'); dot >= 0; dot = hostname.indexOf('.', start)) {
            if (!isValidLabel(hostname, start, dot)) {
                return false;
            }
            start = dot + 1;
        }
        return isValidLabel(hostname, start, hostname.length());
    }
}
