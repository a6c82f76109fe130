package dev.burrow.edge;

import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.TunnelType;

/**
 * A public address bound to an agent session. Each tunnel type implements this and is routed by its own listener;
 * the registry and sessions only see this interface. A {@link TunnelBinder} makes them.
 */
public interface Tunnel {
    /** The id streams carry in {@code burrow-tunnel}; unique per edge. */
    String id();

    TunnelType type();

    /** The session that serves this tunnel's streams. */
    AgentSession session();

    /** The address users reach, as printed to the agent. */
    String url();

    /** The key this tunnel holds in the registry among tunnels of its type: a hostname, or a port for TCP. */
    String routeKey();

    /** The traffic policy the agent bound the tunnel with; {@link TrafficPolicy#NONE} when it gave none. */
    default TrafficPolicy policy() {
        return TrafficPolicy.NONE;
    }

    /** The tunnel no longer holds its address: it lets go of what it holds beyond the registry (a listener). */
    default void unbound() {
    }
}
