package dev.burrow.agent;

import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.TunnelType;
import java.util.Objects;

/**
 * What to ask the edge for and where to send requests. At most one of {@code subdomain} and {@code hostname};
 * neither means a random readable name. {@code hostHeader} null passes the client's Host through; "rewrite" sets it to
 * the upstream's address; anything else is used as is. {@code upstreamProtocol} null means HTTP/1.1; an HTTP/2 one
 * must fit the upstream's scheme (h2c for {@code http://}, h2 for {@code https://}).
 */
public record HttpTunnelOptions(Upstream upstream, String subdomain, String hostname, String hostHeader,
                                boolean verifyUpstreamTls, UpstreamProtocol upstreamProtocol) implements TunnelOptions {
    public HttpTunnelOptions {
        Objects.requireNonNull(upstream, "upstream");
        if (subdomain != null && hostname != null) {
            throw new IllegalArgumentException("give a subdomain or a hostname, not both");
        }
        upstreamProtocol = upstreamProtocol == null ? UpstreamProtocol.HTTP1 : upstreamProtocol;
        upstreamProtocol.checkFits(upstream);
    }

    public static HttpTunnelOptions to(String upstream) {
        return new HttpTunnelOptions(Upstream.parse(upstream), null, null, null, true, UpstreamProtocol.HTTP1);
    }

    public HttpTunnelOptions withSubdomain(String name) {
        return new HttpTunnelOptions(upstream, name, null, hostHeader, verifyUpstreamTls, upstreamProtocol);
    }

    public HttpTunnelOptions withHostname(String name) {
        return new HttpTunnelOptions(upstream, null, name, hostHeader, verifyUpstreamTls, upstreamProtocol);
    }

    public HttpTunnelOptions withHostHeader(String value) {
        return new HttpTunnelOptions(upstream, subdomain, hostname, value, verifyUpstreamTls, upstreamProtocol);
    }

    /** Turns off the upstream's certificate check: for local services with self-signed certificates. */
    public HttpTunnelOptions withUpstreamTlsVerification(boolean verify) {
        return new HttpTunnelOptions(upstream, subdomain, hostname, hostHeader, verify, upstreamProtocol);
    }

    /** Speaks this protocol to the upstream, e.g. {@link UpstreamProtocol#H2C} for a gRPC server. */
    public HttpTunnelOptions withUpstreamProtocol(UpstreamProtocol protocol) {
        return new HttpTunnelOptions(upstream, subdomain, hostname, hostHeader, verifyUpstreamTls, protocol);
    }

    @Override
    public ControlMessage.Bind bindRequest(long id, ControlMessage.Bound held) {
        if (held != null) {
            return ControlMessage.Bind.named(id, TunnelType.HTTP, null, held.hostname());
        }
        return ControlMessage.Bind.named(id, TunnelType.HTTP, subdomain, hostname);
    }
}
