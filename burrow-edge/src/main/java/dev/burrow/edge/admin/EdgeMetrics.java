package dev.burrow.edge.admin;

import dev.burrow.edge.AgentEvents;
import dev.burrow.edge.AgentSession;
import dev.burrow.edge.Tunnel;
import dev.burrow.edge.acme.OrderCounts;
import dev.burrow.edge.observe.ExchangeObserver;
import dev.burrow.edge.observe.ExchangeRecord;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.TunnelType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The edge's figures in Prometheus's text format: live sessions and tunnels, public requests and connections with
 * their bytes, refusals on the agent port, how sessions ended, ACME orders, and the JVM's own (GC, memory, threads).
 *
 * <p>Labels come from small fixed sets only (tunnel types, protocols, status classes, error codes, end reasons), so
 * the number of series is bounded whatever the traffic. There is no series per tunnel or per account: names come
 * and go by the thousand, and each would live on in Prometheus for its whole retention; the admin API's
 * {@code /api/tunnels} gives each live tunnel's figures instead. Counters for the request path are made once, so
 * that counting a request is a few additions.
 */
public final class EdgeMetrics implements ExchangeObserver, AgentEvents, AutoCloseable {
    private static final String[] STATUS_CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** By protocol, then status class. */
    private final Counter[][] exchanges = new Counter[ExchangeRecord.Protocol.values().length][];
    private final Counter[] bytesIn = new Counter[ExchangeRecord.Protocol.values().length];
    private final Counter[] bytesOut = new Counter[ExchangeRecord.Protocol.values().length];

    /**
     * @param sessions the live sessions
     * @param tunnels the bound tunnels
     * @param publicConnections public connections open now
     */
    public EdgeMetrics(Supplier<? extends Collection<?>> sessions, Supplier<? extends Collection<Tunnel>> tunnels,
                       IntSupplier publicConnections) {
        Gauge.builder("burrow.edge.sessions", () -> sessions.get().size())
                .description("Agent sessions authenticated and live").register(registry);
        for (TunnelType type : TunnelType.values()) {
            Gauge.builder("burrow.edge.tunnels", () -> tunnels.get().stream().filter(t -> t.type() == type).count())
                    .description("Tunnels bound").tag("type", type.wireName()).register(registry);
        }
        Gauge.builder("burrow.edge.public.connections", publicConnections::getAsInt)
                .description("Public connections open, on every public listener").register(registry);
        for (ExchangeRecord.Protocol protocol : ExchangeRecord.Protocol.values()) {
            String type = typeOf(protocol).wireName();
            int p = protocol.ordinal();
            boolean http = typeOf(protocol) == TunnelType.HTTP;
            exchanges[p] = new Counter[http ? STATUS_CLASSES.length : 1];
            for (int s = 0; s < exchanges[p].length; s++) {
                exchanges[p][s] = http
                        ? Counter.builder("burrow.edge.requests").description("Public HTTP requests that ended")
                                .tags("type", type, "protocol", protocol.logName(), "status", STATUS_CLASSES[s])
                                .register(registry)
                        : Counter.builder("burrow.edge.connections").description("Public connections of TCP and"
                                + " TLS tunnels that ended").tags("type", type).register(registry);
            }
            bytesIn[p] = Counter.builder("burrow.edge.received.bytes").description("Body bytes public clients sent")
                    .tags("type", type, "protocol", protocol.logName()).register(registry);
            bytesOut[p] = Counter.builder("burrow.edge.sent.bytes").description("Body bytes public clients were sent")
                    .tags("type", type, "protocol", protocol.logName()).register(registry);
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    private static TunnelType typeOf(ExchangeRecord.Protocol protocol) {
        return switch (protocol) {
            case HTTP_1_1, HTTP_2 -> TunnelType.HTTP;
            case TCP -> TunnelType.TCP;
            case TLS -> TunnelType.TLS;
        };
    }

    /** Counts the orders of the edge's ACME certificates. */
    public void watch(OrderCounts orders) {
        FunctionCounter.builder("burrow.edge.acme.orders", orders, OrderCounts::started).tag("outcome", "started")
                .description("Certificate orders").register(registry);
        FunctionCounter.builder("burrow.edge.acme.orders", orders, OrderCounts::issued).tag("outcome", "issued")
                .description("Certificate orders").register(registry);
        FunctionCounter.builder("burrow.edge.acme.orders", orders, OrderCounts::failed).tag("outcome", "failed")
                .description("Certificate orders").register(registry);
        FunctionCounter.builder("burrow.edge.acme.orders", orders, OrderCounts::refused).tag("outcome", "refused")
                .description("Certificate orders").register(registry);
    }

    @Override
    public void started(ExchangeRecord exchange) {
    }

    @Override
    public void ended(ExchangeRecord exchange) {
        int p = exchange.protocol().ordinal();
        Counter[] byStatus = exchanges[p];
        byStatus[byStatus.length == 1 ? 0 : Math.min(exchange.status() / 100, STATUS_CLASSES.length - 1)].increment();
        bytesIn[p].increment(exchange.bytesIn());
        bytesOut[p].increment(exchange.bytesOut());
    }

    @Override
    public void refused(InetSocketAddress remote, ErrorCode code, String message) {
        registry.counter("burrow.edge.agent.refusals", "code", code.wireName()).increment();
    }

    @Override
    public void bindRefused(AgentSession session, ErrorCode code) {
        registry.counter("burrow.edge.bind.refusals", "code", code.wireName()).increment();
    }

    @Override
    public void sessionEnded(AgentSession session, String reason) {
        registry.counter("burrow.edge.sessions.ended", "reason", reason).increment();
    }

    /** A request to the admin listener was refused for its token: {@code rejected}, or {@code rate_limited}. */
    void adminRefused(String outcome) {
        registry.counter("burrow.edge.admin.auth.failures", "outcome", outcome).increment();
    }

    /** Everything in Prometheus's text format (version 0.0.4). */
    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
