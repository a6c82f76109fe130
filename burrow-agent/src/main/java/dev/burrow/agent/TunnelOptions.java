package dev.burrow.agent;

import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.TunnelType;

/**
 * What to ask the edge for and where to send what arrives: one implementation per tunnel type. Each says how it
 * asks the edge for its address, so the agent binds every type the same way.
 */
public sealed interface TunnelOptions permits HttpTunnelOptions, TcpTunnelOptions, TlsTunnelOptions {
    TunnelType type();

    Upstream upstream();

    /** Where the tunnel's traffic goes, as a user reads it: {@code http://localhost:8080}, {@code localhost:22}. */
    String forwardsTo();

    /**
     * The {@code bind} that asks for this tunnel's address. After a reconnect, {@code held} is the address the
     * tunnel had, asked for again so that it survives the reconnect; null on the first bind.
     */
    ControlMessage.Bind bindRequest(long id, ControlMessage.Bound held);

    /** The traffic policy the edge enforces for this tunnel (YAML or JSON), or null. */
    String trafficPolicy();

    /** These options with {@code text} as the tunnel's traffic policy. */
    TunnelOptions withTrafficPolicy(String text);

    /**
     * The PROXY protocol header the upstream gets before each public connection's first byte, for tunnels that pipe
     * connections (TCP, TLS); HTTP tunnels tell their upstream in forwarded headers instead.
     */
    default ProxyProtocol proxyProtocol() {
        return ProxyProtocol.OFF;
    }
}
