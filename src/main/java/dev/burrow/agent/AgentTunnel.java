package dev.burrow.agent;

/** A bound tunnel as the agent's user sees it: its public URL, and a way to close it. */
public final class AgentTunnel implements AutoCloseable {
    private final Agent agent;
    private final HttpTunnelOptions options;
    private volatile String url;
    private volatile String hostname;
    private volatile String tunnelId;

    AgentTunnel(Agent agent, HttpTunnelOptions options) {
        this.agent = agent;
        this.options = options;
    }

    /** The public URL, such as {@code http://calm-otter-42.localhost:8080}. */
    public String url() {
        return url;
    }

    public String hostname() {
        return hostname;
    }

    public Upstream upstream() {
        return options.upstream();
    }

    HttpTunnelOptions options() {
        return options;
    }

    String tunnelId() {
        return tunnelId;
    }

    void bound(String tunnelId, String hostname, String url) {
        this.tunnelId = tunnelId;
        this.hostname = hostname;
        this.url = url;
    }

    /** Frees the public name at the edge; requests then get the edge's "tunnel offline" answer. */
    @Override
    public void close() {
        agent.closeTunnel(this);
    }
}
