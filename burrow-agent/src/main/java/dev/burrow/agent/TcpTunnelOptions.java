package dev.burrow.agent;

import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.TunnelType;
import dev.burrow.transport.HostPort;
import java.util.Objects;

/**
 * A TCP tunnel: each connection to a public port of the edge becomes one connection to {@code upstream}, bytes
 * passed both ways untouched. {@code remotePort} asks for one port of the edge's range; null takes any free one.
 * {@code proxyProtocol} has the agent tell the upstream who each client is, in a PROXY header before the client's
 * bytes; the edge knows nothing of it.
 */
public record TcpTunnelOptions(Upstream upstream, Integer remotePort, ProxyProtocol proxyProtocol,
                               String trafficPolicy) implements TunnelOptions {
    public TcpTunnelOptions {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(proxyProtocol, "proxyProtocol");
        if (upstream.tls()) {
            throw new IllegalArgumentException("a TCP tunnel passes bytes as they are: give the upstream as PORT or"
                    + " HOST:PORT, not https://");
        }
        if (remotePort != null && (remotePort < 1 || remotePort > 65535)) {
            throw new IllegalArgumentException("remote port " + remotePort + " is not between 1 and 65535");
        }
    }

    /** To {@code upstream}: a port, or host:port. */
    public static TcpTunnelOptions to(String upstream) {
        return new TcpTunnelOptions(Upstream.parse(upstream), null, ProxyProtocol.OFF, null);
    }

    public TcpTunnelOptions withRemotePort(int port) {
        return new TcpTunnelOptions(upstream, port, proxyProtocol, trafficPolicy);
    }

    /** Sends the upstream a PROXY protocol header of this version before each connection's first byte. */
    public TcpTunnelOptions withProxyProtocol(ProxyProtocol version) {
        return new TcpTunnelOptions(upstream, remotePort, version, trafficPolicy);
    }

    /** This tunnel with {@code text} (YAML or JSON) as its traffic policy, which the edge enforces; null for none. */
    public TcpTunnelOptions withTrafficPolicy(String text) {
        return new TcpTunnelOptions(upstream, remotePort, proxyProtocol, text);
    }

    @Override
    public TunnelType type() {
        return TunnelType.TCP;
    }

    @Override
    public ControlMessage.Bind bindRequest(long id, ControlMessage.Bound held) {
        Integer port = held != null ? held.port() : remotePort;
        return ControlMessage.Bind.port(id, port).withTrafficPolicy(trafficPolicy);
    }

    @Override
    public String forwardsTo() {
        return new HostPort(upstream.host(), upstream.port()).toString();
    }
}
