package dev.burrow.edge;

import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.protocol.TunnelType;
import io.netty.channel.Channel;

/**
 * A TCP tunnel: every connection to its public port goes to {@code session}. It holds the port's listener, which
 * stops when the tunnel is unbound; connections already open carry on until either end closes them.
 */
final class TcpTunnel implements Tunnel {
    private final String id;
    private final int port;
    private final String url;
    private final AgentSession session;
    private final PolicySlot policySlot;
    private Channel listener;
    private boolean released;

    TcpTunnel(String id, int port, String url, AgentSession session, PolicySlot policySlot) {
        this.id = id;
        this.port = port;
        this.url = url;
        this.session = session;
        this.policySlot = policySlot;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TunnelType type() {
        return TunnelType.TCP;
    }

    @Override
    public AgentSession session() {
        return session;
    }

    @Override
    public PolicySlot policySlot() {
        return policySlot;
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public String routeKey() {
        return Integer.toString(port);
    }

    int port() {
        return port;
    }

    /** @return false if the tunnel was unbound while its port was being opened: the listener is closed then */
    synchronized boolean listening(Channel listener) {
        if (released) {
            listener.close();
            return false;
        }
        this.listener = listener;
        return true;
    }

    @Override
    public synchronized void unbound() {
        released = true;
        if (listener != null) {
            listener.close();
        }
    }
}
