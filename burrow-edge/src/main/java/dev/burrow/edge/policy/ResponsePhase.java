package dev.burrow.edge.policy;

import dev.burrow.edge.Tunnel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.net.InetSocketAddress;

/**
 * Sees the head of each agent's answer to a public HTTP request before the client does (HTTP/1.1 and HTTP/2; an
 * HTTP/2 head as its HTTP/1.1 view), and may add, remove or replace its fields. Interim (1xx) heads and the switch of
 * a WebSocket upgrade are not shown; the edge's own error pages neither.
 *
 * <p>Called on the connection's event loop, once the edge stripped the head's hop-by-hop and {@code burrow-*}
 * fields (the agent's {@code burrow-error} stays) and before it frames the body for the client: it must not block,
 * and its changes to {@code Content-Length} and {@code Transfer-Encoding} are undone.
 */
@FunctionalInterface
public interface ResponsePhase {
    /** Leaves every response as it is. */
    ResponsePhase NONE = (response, request, tunnel, client) -> { };

    /**
     * @param request the request as it was relayed (read it, do not change it)
     * @param client the client's address ({@code ClientAddress}: from a PROXY header where one is trusted)
     */
    void shape(HttpResponse response, HttpRequest request, Tunnel tunnel, InetSocketAddress client);
}
