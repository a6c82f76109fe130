package dev.burrow.edge;

import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;

/** Hostname rules of HTTP tunnels: validation of what agents ask for, readable random names, Host parsing. */
public final class Hostnames {
    private static final List<String> ADJECTIVES = List.of(
            "amber", "brave", "calm", "clever", "cosy", "crisp", "dapper", "eager", "fancy", "gentle", "glad",
            "golden", "happy", "honest", "jolly", "keen", "kind", "lively", "lucky", "mellow", "merry", "mighty",
            "misty", "noble", "plucky", "polite", "proud", "quick", "quiet", "rapid", "rosy", "royal", "rustic",
            "shiny", "silver", "snug", "sunny", "swift", "tidy", "vivid", "warm", "witty", "zesty");
    private static final List<String> ANIMALS = List.of(
            "badger", "beaver", "bison", "crane", "dingo", "eagle", "ferret", "finch", "fox", "gecko", "heron",
            "ibis", "koala", "lemur", "lynx", "marmot", "mole", "moose", "newt", "ocelot", "otter", "owl", "panda",
            "puffin", "quail", "rabbit", "raven", "robin", "seal", "shrew", "sloth", "stoat", "swan", "tapir",
            "toad", "vole", "walrus", "wombat", "wren", "yak", "zebra");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Hostnames() {
    }

    /** A name like {@code calm-otter-42}: easy to read aloud, about 160,000 of them. */
    static String randomLabel() {
        return ADJECTIVES.get(RANDOM.nextInt(ADJECTIVES.size())) + "-"
                + ANIMALS.get(RANDOM.nextInt(ANIMALS.size())) + "-" + (10 + RANDOM.nextInt(90));
    }

    /** A DNS label in lower case: 1 to 63 of {@code [a-z0-9-]}, not starting or ending with '-'. */
    static boolean isValidLabel(String label) {
        return label != null && isValidLabel(label, 0, label.length());
    }

    // A loop, not a regular expression: this runs for every public request (see RoutingBenchmark).
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
    static boolean isValidHostname(String hostname) {
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

    /**
     * The hostname of a Host header: lower-cased, port and a trailing dot removed.
     *
     * @return the name, or null if the header is not a valid {@code host[:port]}
     */
    public static String fromHostHeader(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        String name = host;
        int colon = name.lastIndexOf(':');
        if (colon >= 0 && !name.startsWith("[")) {
            String port = name.substring(colon + 1);
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(port) > 65535) {
                return null;
            }
            name = name.substring(0, colon);
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        name = name.toLowerCase(Locale.ROOT);
        return isValidHostname(name) || isValidLabel(name) ? name : null;
    }
}
