package dev.burrow.edge.admin;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What watchers ask without the API: {@code /healthz} (the process answers), {@code /readyz} (the edge takes
 * traffic: 503 saying why not, draining included) and {@code /metrics}.
 */
final class ProbesEndpoint {
    private final AdminEdge edge;
    private final EdgeMetrics metrics;

    ProbesEndpoint(AdminEdge edge, EdgeMetrics metrics) {
        this.edge = edge;
        this.metrics = metrics;
    }

    CompletionStage<AdminAnswer> health(AdminRequest request) {
        return CompletableFuture.completedFuture(AdminAnswer.ok(AdminJson.object().put("status", "ok")));
    }

    CompletionStage<AdminAnswer> ready(AdminRequest request) {
        return edge.notReady().thenApply(problem -> problem == null
                ? AdminAnswer.ok(AdminJson.object().put("status", "ready"))
                : AdminAnswer.of(HttpResponseStatus.SERVICE_UNAVAILABLE,
                        AdminJson.object().put("status", "not_ready").put("reason", problem)));
    }

    CompletionStage<AdminAnswer> metrics(AdminRequest request) {
        return CompletableFuture.completedFuture(AdminAnswer.text(metrics.scrape()));
    }
}
