package dev.burrow.edge;

/**
 * What an account on a plan may use at once or per period; a null limit is no limit. Plans are named in the edge's
 * configuration and accounts name theirs ({@code burrow edge account create NAME --plan PLAN}).
 *
 * @param tunnels tunnels online at once, of every type
 * @param tcpPorts TCP tunnels (so public ports) at once
 * @param connections visitors' exchanges open at once across the account's tunnels: HTTP requests in flight
 *     (a WebSocket for as long as it is open) and TCP/TLS connections
 * @param requestsPerMinute public HTTP requests and TCP/TLS connections, per minute, with bursts of as many
 * @param bandwidthPerMonth bytes of bodies and streams to and from visitors per calendar month (UTC)
 */
public record Plan(String name, Integer tunnels, Integer tcpPorts, Integer connections, Integer requestsPerMinute,
                   Long bandwidthPerMonth) {
    /** The plan accounts get unless the operator names another; without configuration it has no limits. */
    public static final String FREE = "free";

    public Plan {
        requirePositive("tunnels", tunnels);
        requirePositive("tcp_ports", tcpPorts);
        requirePositive("connections", connections);
        requirePositive("requests_per_minute", requestsPerMinute);
        if (bandwidthPerMonth != null && bandwidthPerMonth < 0) {
            throw new IllegalArgumentException("bandwidth_per_month must not be negative");
        }
    }

    /** A plan with no limits. */
    public static Plan unlimited(String name) {
        return new Plan(name, null, null, null, null, null);
    }

    private static void requirePositive(String key, Integer value) {
        if (value != null && value < 0) {
            throw new IllegalArgumentException(key + " must not be negative");
        }
    }
}
