package dev.burrow.edge;

import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.TunnelType;
import java.util.concurrent.CompletionStage;

/**
 * One tunnel type at the edge: turns an agent's {@code bind} into a {@link Tunnel} that holds a public address,
 * claimed through {@link EdgeContext#claim}. The type's public listener then routes to the tunnels it made. A new
 * tunnel type is a new binder, tunnel and listener; nothing else on the edge changes.
 */
interface TunnelBinder {
    TunnelType type();

    /**
     * Answers {@code bind} with {@code bound} or {@code error}; the tunnel runs {@code policy}, which the edge
     * compiled from the bind. Runs on the control stream's event loop and must not block there; binding a socket
     * completes later.
     */
    CompletionStage<ControlMessage> bind(ControlMessage.Bind bind, AgentSession session, TrafficPolicy policy);
}
