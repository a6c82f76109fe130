package dev.burrow.cli;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentListener;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.UpstreamProtocol;
import dev.burrow.agent.Upstream;
import dev.burrow.agent.inspect.InspectorServer;
import dev.burrow.edge.Edge;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.tls.ServerTrust;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/** What {@code burrow dev} runs: a loopback edge, an agent pinned to its certificate, and maybe the demo page. */
final class DevSession implements AutoCloseable {
    static final String LOOPBACK = "127.0.0.1";
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

    private DemoServer demo;
    private Edge edge;
    private Agent agent;
    private AgentTunnel tunnel;
    private InspectorServer inspector;

    private DevSession() {
    }

    /**
     * @param httpPort 0 for any free port
     * @param upstream null for the demo page
     * @param subdomain null for a random name
     */
    static DevSession start(Path dataDir, int httpPort, Upstream upstream, String subdomain,
                            AgentListener listener, InspectOptions inspect) throws IOException {
        DevSession session = new DevSession();
        boolean started = false;
        try {
            session.open(dataDir, httpPort, upstream, subdomain, listener, inspect);
            started = true;
            return session;
        } finally {
            // Whatever failed, including the checked bind errors Netty throws undeclared, undo what did start.
            if (!started) {
                session.close();
            }
        }
    }

    private void open(Path dataDir, int httpPort, Upstream upstream, String subdomain, AgentListener listener,
                      InspectOptions inspect) throws IOException {
        if (upstream == null) {
            demo = DemoServer.start(LOOPBACK);
            upstream = demo.upstream();
        }
        edge = Edge.start(EdgeConfig.builder("localhost", dataDir)
                .agentAddress(new InetSocketAddress(LOOPBACK, 0))
                .httpAddress(new InetSocketAddress(LOOPBACK, httpPort))
                .drainGrace(DRAIN_GRACE)
                .build());
        agent = inspect.apply(Agent.builder())
                .edge(LOOPBACK, edge.agentAddress().getPort())
                .authtoken(DevToken.loadOrCreate(edge.store().tokens(), dataDir))
                .trust(ServerTrust.fingerprint(edge.certificateFingerprint()))
                .listener(listener)
                .drainGrace(DRAIN_GRACE)
                .build()
                .start();
        HttpTunnelOptions options = new HttpTunnelOptions(upstream, subdomain, null, null, true, false, false, null,
                null);
        tunnel = agent.http(options);
        inspector = inspect.start(agent);
    }

    /** The inspector's address, or null when it is off. */
    String inspectorUrl() {
        return inspector == null ? null : inspector.url();
    }

    String url() {
        return tunnel.url();
    }

    Upstream upstream() {
        return tunnel.upstream();
    }

    Agent agent() {
        return agent;
    }

    Edge edge() {
        return edge;
    }

    /** Agent first, so the edge sees a goodbye rather than a lost connection; safe to call from two threads. */
    @Override
    public synchronized void close() {
        if (inspector != null) {
            inspector.close();
        }
        if (agent != null) {
            agent.drain(DRAIN_GRACE);
        }
        if (edge != null) {
            edge.drain(DRAIN_GRACE);
        }
        if (demo != null) {
            demo.close();
        }
    }
}
