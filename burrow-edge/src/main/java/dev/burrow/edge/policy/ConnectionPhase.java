package dev.burrow.edge.policy;

import dev.burrow.edge.Tunnel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides about each public connection of a TCP or TLS tunnel, before its stream to the agent opens. A refused
 * connection is reset: its client sees the connection reset, and the tunnel's upstream never sees it.
 *
 * <p>Called on the connection's event loop; it must not block. Nothing is read from the client while the decision
 * is pending; a client that goes away meanwhile drops it. A stage that fails, or does not complete within
 * {@code EdgeConfig.policyTimeout}, refuses the connection.
 */
@FunctionalInterface
public interface ConnectionPhase {
    /** Allows every connection. */
    ConnectionPhase ALLOW_ALL = (tunnel, client) -> CompletableFuture.completedStage(Decision.ALLOW);

    /** What was decided about a connection. */
    enum Decision { ALLOW, REFUSE }

    /**
     * @param client the client's address ({@code ClientAddress}: from a PROXY header where one is trusted)
     * @return the decision, completed now or later, from any thread
     */
    CompletionStage<Decision> decide(Tunnel tunnel, InetSocketAddress client);
}
