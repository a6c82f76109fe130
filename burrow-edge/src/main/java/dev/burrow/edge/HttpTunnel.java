package dev.burrow.edge;

import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.protocol.TunnelType;

/**
 * An HTTP tunnel: public requests whose Host is {@code hostname} go to {@code session}; with {@code httpsRedirect},
 * plain-HTTP requests are sent to HTTPS instead (on an edge that serves it). With {@code forwardedHeader}, the agent
 * asked for an RFC 7239 {@code Forwarded} header on every request. The policy in {@code policySlot} runs on every
 * request and response.
 */
public record HttpTunnel(String id, String hostname, String url, boolean httpsRedirect, boolean forwardedHeader,
                         AgentSession session, PolicySlot policySlot)
        implements Tunnel {
    @Override
    public TunnelType type() {
        return TunnelType.HTTP;
    }

    @Override
    public String routeKey() {
        return hostname;
    }

}
