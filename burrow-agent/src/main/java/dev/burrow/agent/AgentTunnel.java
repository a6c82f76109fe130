package dev.burrow.agent;

import dev.burrow.protocol.ControlMessage;

/** A bound tunnel as the agent's user sees it: its public address, and a way to close it. */
public final class AgentTunnel implements AutoCloseable {
    private final Agent agent;
    private final String name;
    private volatile TunnelOptions options;
    private volatile ControlMessage.Bound bound;

    AgentTunnel(Agent agent, String name, TunnelOptions options) {
        this.agent = agent;
        this.name = name;
        this.options = options;
    }

    /** The name it was started under, or null: a config file's or the inspector API's name for it. */
    public String name() {
        return name;
    }

    /** The public address, such as {@code http://calm-otter-42.localhost:8080} or {@code tcp://localhost:20001}. */
    public String url() {
        return bound.url();
    }

    /** The public hostname of an HTTP or TLS tunnel; null for a TCP tunnel. */
    public String hostname() {
        return bound.hostname();
    }

    /** The public port of a TCP tunnel; null for the other types. */
    public Integer port() {
        return bound.port();
    }

    public Upstream upstream() {
        return options.upstream();
    }

    /** Where the tunnel's traffic goes, as a user reads it. */
    public String forwardsTo() {
        return options.forwardsTo();
    }

    /** What the tunnel was started with. */
    public TunnelOptions options() {
        return options;
    }

    void options(TunnelOptions next) {
        this.options = next;
    }

    /**
     * Has the edge enforce {@code policy} (YAML or JSON, docs/policy.md; null for none) for this tunnel from now on,
     * without unbinding it: its address and open connections stay. Returns once the edge took it.
     *
     * @throws AgentException {@code policy_invalid} naming the line and the problem, if the edge refuses it
     */
    public void updateTrafficPolicy(String policy) {
        agent.updateTrafficPolicy(this, policy);
    }

    String tunnelId() {
        return bound == null ? null : bound.tunnelId();
    }

    /** What the edge last bound for this tunnel, or null before the first bind. */
    ControlMessage.Bound held() {
        return bound;
    }

    void bound(ControlMessage.Bound bound) {
        this.bound = bound;
    }

    /** Frees the public address at the edge; HTTP requests then get the edge's "tunnel offline" answer. */
    @Override
    public void close() {
        agent.closeTunnel(this);
    }
}
