package dev.burrow.junit;

import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.tls.ServerTrust;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * What a {@link BurrowTunnel} was configured with. The upstream and the authtoken are read when they are needed (the
 * upstream at the tunnel's first use, the authtoken at the start), so that a server a test starts late, or a
 * variable of the environment, can supply them.
 */
final class TunnelSettings {
    /** Where the agent reads the authtoken for a given edge unless it was told one. */
    static final String AUTHTOKEN_VARIABLE = "BURROW_AUTHTOKEN";

    final Supplier<String> upstream;
    String subdomain;
    UnaryOperator<HttpTunnelOptions> options = UnaryOperator.identity();
    /** The given edge's agent port as {@code host:port}, or null for an embedded edge. */
    String edge;
    Supplier<String> authtoken = () -> System.getenv(AUTHTOKEN_VARIABLE);
    ServerTrust trust = ServerTrust.system();

    TunnelSettings(Supplier<String> upstream) {
        this.upstream = upstream;
    }

    HttpTunnelOptions tunnelOptions() {
        HttpTunnelOptions base = HttpTunnelOptions.to(upstream.get());
        return options.apply(subdomain == null ? base : base.withSubdomain(subdomain));
    }

    /** The given edge's authtoken. */
    String requireAuthtoken() {
        String token = authtoken.get();
        if (token == null || token.isBlank()) {
            throw new IllegalStateException("no authtoken for the edge " + edge + ": set " + AUTHTOKEN_VARIABLE
                    + " or call authtoken(...)");
        }
        return token;
    }
}
