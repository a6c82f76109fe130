package dev.burrow.edge.http;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.Phase;
import dev.burrow.edge.policy.ResponsePhase;
import dev.burrow.edge.policy.TrafficPolicy;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * What shapes the head of one request's answer, whatever its HTTP version: the edge's response phase, then the
 * tunnel's traffic policy ({@code on_http_response}). Null when neither would change anything, so that an HTTP/2
 * answer skips its HTTP/1.1 view.
 */
final class ResponseShaping {
    private ResponseShaping() {
    }

    static Consumer<HttpResponse> of(HttpEdge edge, HttpRequest request, Tunnel tunnel, InetSocketAddress client) {
        ResponsePhase phase = edge.policyPhases().response();
        TrafficPolicy policy = tunnel.policy();
        boolean byPolicy = policy.has(Phase.ON_HTTP_RESPONSE);
        if (phase == ResponsePhase.NONE) {
            return byPolicy ? response -> policy.onResponse(response, request, tunnel, client) : null;
        }
        if (!byPolicy) {
            return response -> phase.shape(response, request, tunnel, client);
        }
        return response -> {
            phase.shape(response, request, tunnel, client);
            policy.onResponse(response, request, tunnel, client);
        };
    }
}
