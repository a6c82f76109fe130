package dev.burrow.edge;

import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.ControlMessage;
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

    /** The answer to a bind (or an update) of this tunnel: its id and address. */
    default ControlMessage.Bound bound(long bindId) {
        if (type() == TunnelType.TCP) {
            return new ControlMessage.Bound(bindId, id(), null, url(), Integer.valueOf(routeKey()));
        }
        return new ControlMessage.Bound(bindId, id(), routeKey(), url(), null);
    }

    /** Where the tunnel keeps its traffic policy. */
    PolicySlot policySlot();

    /** The tunnel's traffic policy now; {@link TrafficPolicy#NONE} when the agent gave none. */
    default TrafficPolicy policy() {
        return policySlot().get();
    }

    /** Replaces the policy for the requests and connections that come from now on; those under way keep theirs. */
    default void replacePolicy(TrafficPolicy next) {
        policySlot().set(next);
    }

    /** Tells the agent that the tunnel's policy answered a request at the edge, for its inspector. */
    default void reportDenial(ControlMessage.Denied denied) {
        AgentSession session = session();
        if (session != null) {
            session.tell(denied);
        }
    }

    /** The tunnel no longer holds its address: it lets go of what it holds beyond the registry (a listener). */
    default void unbound() {
    }
}
