package dev.burrow.edge;

import dev.burrow.protocol.HostnameRules;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;

/** Hostnames on the edge: readable random names, and the name a Host header names (by {@link HostnameRules}). */
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
        return HostnameRules.isValidHostname(name) || HostnameRules.isValidLabel(name) ? name : null;
    }
}
