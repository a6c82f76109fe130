package dev.burrow.cli;

import picocli.CommandLine.Option;

/** The name a tunnel routed by hostname asks for; without one the edge picks a random readable name. */
final class PublicName {
    @Option(names = "--subdomain", paramLabel = "NAME", description = "Ask for NAME.<edge domain>.")
    String subdomain;

    @Option(names = "--hostname", paramLabel = "HOST", description = "Ask for this full hostname.")
    String hostname;

    /** The subdomain asked for, or null; {@code name} is null when neither option was given. */
    static String subdomain(PublicName name) {
        return name == null ? null : name.subdomain;
    }

    /** The hostname asked for, or null; {@code name} is null when neither option was given. */
    static String hostname(PublicName name) {
        return name == null ? null : name.hostname;
    }
}
