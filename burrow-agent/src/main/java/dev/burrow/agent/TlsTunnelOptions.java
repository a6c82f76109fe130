package dev.burrow.agent;

import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.TunnelType;
import dev.burrow.transport.HostPort;
import java.util.Objects;

/**
 * A TLS tunnel: each TLS connection to the edge's TLS port whose ClientHello names this tunnel's hostname becomes
 * one connection to {@code upstream}, which holds the certificate; the edge and the agent pass the bytes untouched
 * and never decrypt them. At most one of {@code subdomain} and {@code hostname}; neither means a random readable
 * name. {@code proxyProtocol} has the agent tell the upstream who each client is, in a PROXY header before the
 * client's bytes (the TLS ClientHello among them).
 */
public record TlsTunnelOptions(Upstream upstream, String subdomain, String hostname, ProxyProtocol proxyProtocol,
                               String trafficPolicy) implements TunnelOptions {
    public TlsTunnelOptions {
        Objects.requireNonNull(upstream, "upstream");
        if (upstream.tls()) {
            throw new IllegalArgumentException("a TLS tunnel passes the service's own TLS through: give the upstream"
                    + " as PORT or HOST:PORT, not https://");
        }
        if (subdomain != null && hostname != null) {
            throw new IllegalArgumentException("give a subdomain or a hostname, not both");
        }
        proxyProtocol = proxyProtocol == null ? ProxyProtocol.OFF : proxyProtocol;
    }

    /** To {@code upstream}: a port, or host:port, where a TLS server listens. */
    public static TlsTunnelOptions to(String upstream) {
        return new TlsTunnelOptions(Upstream.parse(upstream), null, null, ProxyProtocol.OFF, null);
    }

    public TlsTunnelOptions withSubdomain(String name) {
        return new TlsTunnelOptions(upstream, name, null, proxyProtocol, trafficPolicy);
    }

    public TlsTunnelOptions withHostname(String name) {
        return new TlsTunnelOptions(upstream, null, name, proxyProtocol, trafficPolicy);
    }

    /** Sends the upstream a PROXY protocol header of this version before each connection's first byte. */
    public TlsTunnelOptions withProxyProtocol(ProxyProtocol version) {
        return new TlsTunnelOptions(upstream, subdomain, hostname, version, trafficPolicy);
    }

    /** This tunnel with {@code text} (YAML or JSON) as its traffic policy, which the edge enforces; null for none. */
    public TlsTunnelOptions withTrafficPolicy(String text) {
        return new TlsTunnelOptions(upstream, subdomain, hostname, proxyProtocol, text);
    }

    @Override
    public TunnelType type() {
        return TunnelType.TLS;
    }

    @Override
    public ControlMessage.Bind bindRequest(long id, ControlMessage.Bound held) {
        ControlMessage.Bind bind = held != null ? ControlMessage.Bind.named(id, TunnelType.TLS, null, held.hostname())
                : ControlMessage.Bind.named(id, TunnelType.TLS, subdomain, hostname);
        return bind.withTrafficPolicy(trafficPolicy);
    }

    @Override
    public String forwardsTo() {
        return new HostPort(upstream.host(), upstream.port()).toString();
    }
}
