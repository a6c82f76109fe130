package dev.burrow.edge.policy;

import dev.burrow.edge.Tunnel;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

/**
 * Decides about each public HTTP request once it is routed to {@code tunnel}, before the tunnel's stream opens.
 * An HTTP/2 request is seen as an HTTP/1.1 view of its headers ({@code Host} from {@code :authority}).
 *
 * <p>Called on the connection's event loop; it must not block. While the decision is pending the connection reads
 * nothing more of the client (an HTTP/1.1 body waits in the kernel, an HTTP/2 stream's frames are not consumed).
 * The decision is applied on the loop; if the client went away meanwhile it is dropped (an answer in it released).
 * A stage that fails gets the client {@code 500 policy_failed}; one that does not complete within
 * {@code EdgeConfig.policyTimeout} gets {@code 504 policy_timeout}.
 *
 * <p>{@code request} may be read until the stage completes. Change it only in this call, on the loop, or later
 * through {@link RequestDecision#allow(java.util.function.Consumer)}, whose edit the edge runs on the loop. Its
 * body framing ({@code Content-Length}, {@code Transfer-Encoding}) stays the client's whatever the phase sets; the
 * edge strips hop-by-hop and {@code burrow-*} fields and sets the forwarding fields after the phase.
 */
@FunctionalInterface
public interface RequestPhase {
    /** Lets every request through. */
    RequestPhase ALLOW_ALL = (request, tunnel, client) -> RequestDecision.allowAtOnce();

    /**
     * @param client the client's address ({@code ClientAddress}: from a PROXY header where one is trusted)
     * @return the decision, completed now or later, from any thread
     */
    CompletionStage<RequestDecision> decide(HttpRequest request, Tunnel tunnel, InetSocketAddress client);
}
