package dev.burrow.agent;

import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.TunnelType;
import java.util.Objects;

/**
 * What to ask the edge for and where to send requests. At most one of {@code subdomain} and {@code hostname};
 * neither means a random readable name. {@code hostHeader} null passes the client's Host through; "rewrite" sets it to
 * the upstream's address; anything else is used as is. {@code httpsRedirect} asks an edge that serves HTTPS to answer
 * plain-HTTP requests with a redirect to HTTPS. {@code forwardedHeader} asks the edge to add an RFC 7239
 * {@code Forwarded} header to every request, beside the {@code X-Forwarded-*} ones it always sets.
 * {@code upstreamProtocol} null means HTTP/1.1; an HTTP/2 one must fit the upstream's scheme (h2c for
 * {@code http://}, h2 for {@code https://}).
 */
public record HttpTunnelOptions(Upstream upstream, String subdomain, String hostname, String hostHeader,
                                boolean verifyUpstreamTls, boolean httpsRedirect, boolean forwardedHeader,
                                UpstreamProtocol upstreamProtocol, String trafficPolicy)
        implements TunnelOptions {
    public HttpTunnelOptions {
        Objects.requireNonNull(upstream, "upstream");
        if (subdomain != null && hostname != null) {
            throw new IllegalArgumentException("give a subdomain or a hostname, not both");
        }
        upstreamProtocol = upstreamProtocol == null ? UpstreamProtocol.HTTP1 : upstreamProtocol;
        upstreamProtocol.checkFits(upstream);
    }

    public static HttpTunnelOptions to(String upstream) {
        return new HttpTunnelOptions(Upstream.parse(upstream), null, null, null, true, false, false,
                UpstreamProtocol.HTTP1, null);
    }

    public HttpTunnelOptions withSubdomain(String name) {
        return new HttpTunnelOptions(upstream, name, null, hostHeader, verifyUpstreamTls, httpsRedirect,
                forwardedHeader, upstreamProtocol, trafficPolicy);
    }

    public HttpTunnelOptions withHostname(String name) {
        return new HttpTunnelOptions(upstream, null, name, hostHeader, verifyUpstreamTls, httpsRedirect,
                forwardedHeader, upstreamProtocol, trafficPolicy);
    }

    public HttpTunnelOptions withHostHeader(String value) {
        return new HttpTunnelOptions(upstream, subdomain, hostname, value, verifyUpstreamTls, httpsRedirect,
                forwardedHeader, upstreamProtocol, trafficPolicy);
    }

    /** Turns off the upstream's certificate check: for local services with self-signed certificates. */
    public HttpTunnelOptions withUpstreamTlsVerification(boolean verify) {
        return new HttpTunnelOptions(upstream, subdomain, hostname, hostHeader, verify, httpsRedirect,
                forwardedHeader, upstreamProtocol, trafficPolicy);
    }

    /** Plain-HTTP requests get a 308 redirect to the same address over HTTPS (when the edge serves HTTPS). */
    public HttpTunnelOptions withHttpsRedirect(boolean redirect) {
        return new HttpTunnelOptions(upstream, subdomain, hostname, hostHeader, verifyUpstreamTls, redirect,
                forwardedHeader, upstreamProtocol, trafficPolicy);
    }

    /** Asks the edge for an RFC 7239 {@code Forwarded} header on every request. */
    public HttpTunnelOptions withForwardedHeader(boolean on) {
        return new HttpTunnelOptions(upstream, subdomain, hostname, hostHeader, verifyUpstreamTls, httpsRedirect, on,
                upstreamProtocol, trafficPolicy);
    }

    /** Speaks this protocol to the upstream, e.g. {@link UpstreamProtocol#H2C} for a gRPC server. */
    public HttpTunnelOptions withUpstreamProtocol(UpstreamProtocol protocol) {
        return new HttpTunnelOptions(upstream, subdomain, hostname, hostHeader, verifyUpstreamTls, httpsRedirect,
                forwardedHeader, protocol, trafficPolicy);
    }

    /** The Host header the upstream gets for a request whose client sent {@code clientHost}. */
    /** This tunnel with {@code text} (YAML or JSON) as its traffic policy, which the edge enforces; null for none. */
    public HttpTunnelOptions withTrafficPolicy(String text) {
        return new HttpTunnelOptions(upstream, subdomain, hostname, hostHeader, verifyUpstreamTls, httpsRedirect,
                forwardedHeader, upstreamProtocol, text);
    }

    public String upstreamHost(String clientHost) {
        if ("rewrite".equals(hostHeader)) {
            return upstream.host() + ":" + upstream.port();
        }
        return hostHeader != null ? hostHeader : clientHost;
    }

    @Override
    public TunnelType type() {
        return TunnelType.HTTP;
    }

    @Override
    public ControlMessage.Bind bindRequest(long id, ControlMessage.Bound held) {
        ControlMessage.Bind bind = held != null
                ? ControlMessage.Bind.named(id, TunnelType.HTTP, null, held.hostname())
                : ControlMessage.Bind.named(id, TunnelType.HTTP, subdomain, hostname);
        return bind.withHttpsRedirect(httpsRedirect).withForwarded(forwardedHeader).withTrafficPolicy(trafficPolicy);
    }

    @Override
    public String forwardsTo() {
        return upstream.toString();
    }
}
