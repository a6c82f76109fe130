package dev.burrow.edge;

import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.TunnelType;

/**
 * A TLS tunnel: public TLS connections whose ClientHello names {@code hostname} go to {@code session}, undecrypted,
 * if {@code policy} lets them.
 */
record TlsTunnel(String id, String hostname, String url, AgentSession session, TrafficPolicy policy)
        implements Tunnel {
    @Override
    public TunnelType type() {
        return TunnelType.TLS;
    }

    @Override
    public String routeKey() {
        return hostname;
    }
}
