package dev.burrow.agent;

import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.TunnelType;
import java.util.Objects;

/**
 * What to ask the edge for and where to send requests. At most one of {@code subdomain} and {@code hostname};
 * neither means a random readable name. {@code hostHeader} null passes the client's Host through; "rewrite" sets it to
 * the upstream's address; anything else is used as is. {@code forwardedHeader} asks the edge to add an RFC 7239
 * {@code Forwarded} header to every request, beside the {@code X-Forwarded-*} ones it always sets.
 */
public record HttpTunnelOptions(Upstream upstream, String subdomain, String hostname, String hostHeader,
                                boolean verifyUpstreamTls, boolean forwardedHeader) implements TunnelOptions {
    public HttpTunnelOptions {
        Objects.requireNonNull(upstream, "upstream");
        if (subdomain != null && hostname != null) {
            throw new IllegalArgumentException("give a subdomain or a hostname, not both");
        }
    }

    public static HttpTunnelOptions to(String upstream) {
        return new HttpTunnelOptions(Upstream.parse(upstream), null, null, null, true, false);
    }

    public HttpTunnelOptions withSubdomain(String name) {
        return new HttpTunnelOptions(upstream, name, null, hostHeader, verifyUpstreamTls, forwardedHeader);
    }

    public HttpTunnelOptions withHostname(String name) {
        return new HttpTunnelOptions(upstream, null, name, hostHeader, verifyUpstreamTls, forwardedHeader);
    }

    public HttpTunnelOptions withHostHeader(String value) {
        return new HttpTunnelOptions(upstream, subdomain, hostname, value, verifyUpstreamTls, forwardedHeader);
    }

    /** Turns off the upstream's certificate check: for local services with self-signed certificates. */
    public HttpTunnelOptions withUpstreamTlsVerification(boolean verify) {
        return new HttpTunnelOptions(upstream, subdomain, hostname, hostHeader, verify, forwardedHeader);
    }

    /** Asks the edge for an RFC 7239 {@code Forwarded} header on every request. */
    public HttpTunnelOptions withForwardedHeader(boolean on) {
        return new HttpTunnelOptions(upstream, subdomain, hostname, hostHeader, verifyUpstreamTls, on);
    }

    @Override
    public ControlMessage.Bind bindRequest(long id, ControlMessage.Bound held) {
        ControlMessage.Bind bind = held != null
                ? ControlMessage.Bind.named(id, TunnelType.HTTP, null, held.hostname())
                : ControlMessage.Bind.named(id, TunnelType.HTTP, subdomain, hostname);
        return bind.withForwarded(forwardedHeader);
    }
}
