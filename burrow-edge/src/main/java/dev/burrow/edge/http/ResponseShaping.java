package dev.burrow.edge.http;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.ContentCoding;
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
 * tunnel's traffic policy ({@code on_http_response}), which may also choose a coding for the body. {@link #of} is
 * null when none would see or change anything, so that an HTTP/2 answer skips its HTTP/1.1 view.
 */
@FunctionalInterface
interface ResponseShaping {
    /**
     * Shapes {@code response} in place.
     *
     * @return the coding the edge is to compress the body with ({@code compress-response}), or null for none
     */
    ContentCoding shape(HttpResponse response);

    /**
     * @param peer the request's peer; the phases see the client behind it when it is a trusted proxy
     * @param observer what the request phase wants told the status, or null
     */
    static ResponseShaping of(HttpEdge edge, HttpRequest request, Tunnel tunnel, InetSocketAddress peer,
                              ResponseObserver observer) {
        ResponsePhase phase = edge.policyPhases().response();
        TrafficPolicy policy = tunnel.policy();
        boolean policyShapes = policy.has(Phase.ON_HTTP_RESPONSE);
        // Read from the forwarding fields only for a phase that judges the client, not for every relayed answer.
        InetSocketAddress client = phase == ResponsePhase.NONE && !policyShapes ? peer
                : ForwardedClient.of(request.headers(), peer, edge.trustedProxies());
        Consumer<HttpResponse> steps = null;
        if (observer != null) {
            steps = response -> observer.answered(response.status().code());
        }
        if (phase != ResponsePhase.NONE) {
            Consumer<HttpResponse> edgePhase = response -> phase.shape(response, request, tunnel, client);
            steps = steps == null ? edgePhase : steps.andThen(edgePhase);
        }
        if (steps == null && !policyShapes) {
            return null;
        }
        Consumer<HttpResponse> before = steps;
        return response -> {
            if (before != null) {
                before.accept(response);
            }
            return policyShapes ? policy.onResponse(response, request, tunnel, client) : null;
        };
    }
}
