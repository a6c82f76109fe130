package dev.burrow.edge.http;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.Phase;
import dev.burrow.edge.policy.ResponseObserver;
import dev.burrow.edge.policy.ResponsePhase;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.edge.proxy.ForwardedClient;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * What sees and shapes the head of one request's answer, whatever its HTTP version: the observer the request phase
 * left (told the status the agent relayed, before anything changes the head), the edge's response phase, then the
 * tunnel's traffic policy ({@code on_http_response}). Null when none would see or change anything, so that an
 * HTTP/2 answer skips its HTTP/1.1 view.
 */
final class ResponseShaping {
    private ResponseShaping() {
    }

    /**
     * @param peer the request's peer; the phases see the client behind it when it is a trusted proxy
     * @param observer what the request phase wants told the status, or null
     */
    static Consumer<HttpResponse> of(HttpEdge edge, HttpRequest request, Tunnel tunnel, InetSocketAddress peer,
                                     ResponseObserver observer) {
        InetSocketAddress client = ForwardedClient.of(request.headers(), peer, edge.trustedProxies());
        Consumer<HttpResponse> steps = null;
        if (observer != null) {
            steps = response -> observer.answered(response.status().code());
        }
        ResponsePhase phase = edge.policyPhases().response();
        if (phase != ResponsePhase.NONE) {
            steps = then(steps, response -> phase.shape(response, request, tunnel, client));
        }
        TrafficPolicy policy = tunnel.policy();
        if (policy.has(Phase.ON_HTTP_RESPONSE)) {
            steps = then(steps, response -> policy.onResponse(response, request, tunnel, client));
        }
        return steps;
    }

    private static Consumer<HttpResponse> then(Consumer<HttpResponse> first, Consumer<HttpResponse> next) {
        return first == null ? next : first.andThen(next);
    }
}
