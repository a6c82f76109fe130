package dev.burrow.cli;

import dev.burrow.agent.config.PublicNames;
import picocli.CommandLine.Option;

/**
 * The name a tunnel routed by hostname asks for, one of: a subdomain, a hostname, or (as ngrok users write it) a URL;
 * without one the edge picks a random readable name.
 */
final class PublicName {
    @Option(names = "--subdomain", paramLabel = "NAME", description = "Ask for NAME.<edge domain>.")
    String subdomain;

    @Option(names = "--hostname", paramLabel = "HOST", description = "Ask for this full hostname: under the edge's"
            + " domain, or under a verified domain of the token's account.")
    String hostname;

    @Option(names = "--url", paramLabel = "URL", description = "As ngrok's --url: the address to ask for, such as"
            + " https://api.example.com; its hostname is asked for as --hostname asks (the scheme, port and path are"
            + " the edge's to choose).")
    String url;

    /**
     * The subdomain asked for, or null; {@code name} is null when no option was given.
     *
     * @throws IllegalArgumentException if the edge would refuse it, saying why
     */
    static String subdomain(PublicName name) {
        String subdomain = name == null ? null : name.subdomain;
        return checked("--subdomain", PublicNames.problem(subdomain, null), subdomain);
    }

    /**
     * The hostname asked for, or null; {@code name} is null when no option was given.
     *
     * @throws IllegalArgumentException if the edge would refuse it, saying why
     */
    static String hostname(PublicName name) {
        if (name == null) {
            return null;
        }
        String hostname = name.url == null ? name.hostname : hostOf(name.url);
        return checked(name.url == null ? "--hostname" : "--url", PublicNames.problem(null, hostname), hostname);
    }

    private static String checked(String option, String problem, String value) {
        if (problem != null) {
            throw new IllegalArgumentException(option + ": " + problem);
        }
        return value;
    }

    /** The host of a URL as ngrok's users write one: with or without a scheme, a port or a path. */
    private static String hostOf(String url) {
        int scheme = url.indexOf("://");
        String rest = scheme < 0 ? url : url.substring(scheme + 3);
        int end = rest.length();
        for (char stop : new char[] {'/', ':', '?', '#'}) {
            int at = rest.indexOf(stop);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return rest.substring(0, end);
    }
}
