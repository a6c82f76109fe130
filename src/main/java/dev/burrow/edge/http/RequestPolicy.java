package dev.burrow.edge.http;

import dev.burrow.edge.Tunnel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;

/**
 * The hook on the edge's request path where access control (basic auth, IP rules, OAuth, signatures, rate limits)
 * plugs in. Called on the event loop once per request, after routing and before the request reaches the agent.
 */
@FunctionalInterface
public interface RequestPolicy {
    RequestPolicy ALLOW_ALL = (request, tunnel, client) -> null;

    /**
     * @return null to let the request through, or the response to answer with instead (the caller sends and
     *     releases it)
     */
    FullHttpResponse evaluate(HttpRequest request, Tunnel tunnel, InetSocketAddress client);
}
