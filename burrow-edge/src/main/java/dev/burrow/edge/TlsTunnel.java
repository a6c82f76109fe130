package dev.burrow.edge;

import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.protocol.TunnelType;

/**
 * A TLS tunnel: public TLS connections whose ClientHello names {@code hostname} go to {@code session}, undecrypted,
 * if the policy in {@code policySlot} lets them.
 */
record TlsTunnel(String id, String hostname, String url, AgentSession session, PolicySlot policySlot)
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
