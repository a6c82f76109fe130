package dev.burrow.edge.http;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.RequestDecision;
import dev.burrow.edge.policy.RequestPhase;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * A request hook that decides at once: the edge runs it as its {@link RequestPhase} ({@link #asRequestPhase}).
 * Called on the event loop once per request, after routing and before the request reaches the agent; it may change
 * the request's fields in place.
 */
@FunctionalInterface
public interface RequestPolicy {
    RequestPolicy ALLOW_ALL = (request, tunnel, client) -> null;

    /**
     * @return null to let the request through, or the response to answer with instead (the caller sends and
     *     releases it)
     */
    FullHttpResponse evaluate(HttpRequest request, Tunnel tunnel, InetSocketAddress client);

    /** This policy as the request phase, its decision made at once. */
    default RequestPhase asRequestPhase() {
        return (request, tunnel, client) -> {
            FullHttpResponse answer = evaluate(request, tunnel, client);
            return CompletableFuture.completedStage(
                    answer == null ? RequestDecision.allow() : RequestDecision.answer(answer));
        };
    }
}
