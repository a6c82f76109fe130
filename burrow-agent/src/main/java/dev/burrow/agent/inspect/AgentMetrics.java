package dev.burrow.agent.inspect;

import dev.burrow.agent.Agent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Consumer;

/**
 * The agent's figures at the inspector's {@code /metrics}, in Prometheus's text format: its HTTP requests by status
 * class, the upstream's failures the agent answered for (by error code), body bytes each way, reconnects, and the
 * round trip to the edge. Requests are counted as the inspector's log sees them end, so only while it records;
 * TCP and TLS tunnels' bytes are not counted here (the edge's metrics have them).
 */
final class AgentMetrics implements AutoCloseable {
    private static final String[] STATUS_CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter[] requests = new Counter[STATUS_CLASSES.length];
    private final Counter received;
    private final Counter sent;
    private final ExchangeLog log;
    private final Consumer<CapturedExchange> counter = this::changed;

    /** @param log the inspector's log, or null when it records nothing */
    AgentMetrics(Agent agent, ExchangeLog log) {
        this.log = log;
        for (int i = 0; i < STATUS_CLASSES.length; i++) {
            requests[i] = Counter.builder("burrow.agent.requests").description("HTTP requests that ended")
                    .tag("status", STATUS_CLASSES[i]).register(registry);
        }
        received = Counter.builder("burrow.agent.received.bytes").description("Request body bytes from the edge")
                .register(registry);
        sent = Counter.builder("burrow.agent.sent.bytes").description("Response body bytes to the edge")
                .register(registry);
        FunctionCounter.builder("burrow.agent.reconnects", agent, Agent::reconnects)
                .description("Times the agent connected again after losing its connection").register(registry);
        Gauge.builder("burrow.agent.connected", agent, a -> a.isConnected() ? 1 : 0)
                .description("1 while the agent's connection to the edge is up").register(registry);
        Gauge.builder("burrow.agent.tunnels", agent, a -> a.tunnels().size()).description("Tunnels running")
                .register(registry);
        Gauge.builder("burrow.agent.edge.rtt.seconds", agent, a -> a.rttNanos() < 0 ? Double.NaN
                : a.rttNanos() / 1e9).description("Round trip to the edge by the last PING").register(registry);
        if (log != null) {
            log.subscribe(counter);
        }
    }

    /** Counts an exchange once, as it ends: the log tells each change, and only its end is not in progress. */
    private void changed(CapturedExchange exchange) {
        ExchangeView view = exchange.summary();
        if (view.state() == CapturedExchange.State.IN_PROGRESS) {
            return;
        }
        int status = view.status() == null ? 0 : view.status();
        requests[Math.min(status / 100, STATUS_CLASSES.length - 1)].increment();
        received.increment(view.requestBody().size());
        sent.increment(view.responseBody().size());
        String agentError = exchange.agentError();
        if (agentError != null) {
            registry.counter("burrow.agent.upstream.errors", "code", agentError).increment();
        }
    }

    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        if (log != null) {
            log.unsubscribe(counter);
        }
        registry.close();
    }
}
