package dev.burrow.junit;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;

/**
 * What runs while a {@link BurrowTunnel} is started: an embedded edge unless one was given, an agent connected to
 * the edge, and the tunnel, bound at its first use. Closes the agent before the edge, so the edge sees a goodbye
 * rather than a lost connection.
 */
final class TunnelSession implements AutoCloseable {
    /** A test waits for nothing longer than this on closing: its requests have ended by then. */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(1);

    private final TunnelSettings settings;
    private final EmbeddedEdge edge;
    private final Agent agent;
    private AgentTunnel tunnel;

    private TunnelSession(TunnelSettings settings, EmbeddedEdge edge, Agent agent) {
        this.settings = settings;
        this.edge = edge;
        this.agent = agent;
    }

    static TunnelSession open(TunnelSettings settings) {
        if (settings.edge != null) {
            return new TunnelSession(settings, null, Agent.builder()
                    .edge(settings.edge)
                    .authtoken(settings.requireAuthtoken())
                    .trust(settings.trust)
                    .drainGrace(DRAIN_GRACE)
                    .build()
                    .start());
        }
        EmbeddedEdge edge = EmbeddedEdge.start();
        try {
            return new TunnelSession(settings, edge, Agent.builder()
                    .edge(edge.agentAddress())
                    .authtoken(edge.authtoken())
                    .trust(edge.trust())
                    .drainGrace(DRAIN_GRACE)
                    .build()
                    .start());
        } catch (RuntimeException | Error e) {
            edge.close();
            throw e;
        }
    }

    synchronized AgentTunnel tunnel() {
        if (tunnel == null) {
            tunnel = agent.http(settings.tunnelOptions());
        }
        return tunnel;
    }

    /** The embedded edge's public HTTP address, which serves every name of the tunnel's URL; empty for a given edge. */
    Optional<InetSocketAddress> proxy() {
        return edge == null ? Optional.empty() : Optional.of(edge.httpAddress());
    }

    /**
     * A client builder that reaches the tunnel's URL. An embedded edge's names are under {@code localhost}, which
     * java.net.http resolves through the system's resolver, where they often do not exist: the client sends them to
     * the edge as its proxy, which the edge answers like any request (it accepts the absolute form a proxy gets).
     */
    HttpClient.Builder clientBuilder() {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        proxy().ifPresent(address -> builder.proxy(ProxySelector.of(address)));
        return builder;
    }

    @Override
    public void close() {
        try {
            agent.close();
        } finally {
            if (edge != null) {
                edge.close();
            }
        }
    }
}
