package dev.burrow.edge.http;

import dev.burrow.edge.Hostnames;
import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.tls.ClientAuthorities;
import dev.burrow.transport.ErrorPages;
import dev.burrow.transport.HopByHopHeaders;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;

/**
 * What every public request passes before it is relayed, whatever HTTP version it came in: a valid host, an edge
 * that is not draining, a tunnel whose agent takes streams, the client certificate the tunnel requires (then the
 * request phase, {@link RequestGate}). Also the edge's own answers about tunnels, so that HTTP/1.1 and HTTP/2 clients
 * see the same pages.
 */
final class PublicRouting {
    private PublicRouting() {
    }

    /**
     * Where a request goes: to {@code tunnel}, or nowhere, in which case {@code answer} is sent instead (and
     * released by whoever sends it). {@code closeConnection} says the connection must not serve another request.
     */
    record Route(Tunnel tunnel, FullHttpResponse answer, boolean closeConnection) {
        static Route to(Tunnel tunnel) {
            return new Route(tunnel, null, false);
        }

        static Route answer(FullHttpResponse answer, boolean closeConnection) {
            return new Route(null, answer, closeConnection);
        }
    }

    /**
     * Routes a request by its Host header, which an HTTP/2 request has from its {@code :authority}. Over TLS the
     * Host must name the server the connection was opened for; over plain HTTP the edge answers the ACME CA's
     * HTTP-01 challenges itself, and a tunnel that asked for it redirects to HTTPS. A request routed to a tunnel
     * loses any {@value TrafficPolicy#CLIENT_CERT_SUBJECT} its client sent, and gets the verified one when the
     * tunnel requires a client certificate, so that the request phase sees it too.
     */
    static Route route(HttpEdge edge, ByteBufAllocator alloc, HttpRequest request, InetSocketAddress client,
                       PublicConnection connection) {
        String hostHeader = request.headers().get(HttpHeaderNames.HOST);
        String hostname = Hostnames.fromHostHeader(hostHeader);
        if (hostname == null) {
            return Route.answer(ErrorPages.page(alloc, HttpResponseStatus.BAD_REQUEST, "bad_host", "Bad Request",
                    "The Host header <code>" + ErrorPages.escape(String.valueOf(hostHeader))
                            + "</code> is not a valid host name."), true);
        }
        if (connection.tls() && !hostname.equals(connection.serverName())) {
            return Route.answer(misdirected(alloc, hostname, connection), false);
        }
        String challengeToken = connection.tls() ? null : AcmeChallenge.token(request);
        String challengeAnswer = challengeToken == null ? null : edge.acmeChallengeAnswer(challengeToken);
        if (challengeAnswer != null) {
            return Route.answer(AcmeChallenge.answer(alloc, challengeAnswer), false);
        }
        if (edge.draining()) {
            return Route.answer(ErrorPages.page(alloc, HttpResponseStatus.SERVICE_UNAVAILABLE, "edge_draining",
                    "Edge shutting down", "This edge is restarting. Try again in a moment."), true);
        }
        Tunnel tunnel = edge.find(hostname);
        String redirect = tunnel == null || connection.tls() ? null : edge.httpsRedirect(tunnel, request.uri());
        if (redirect != null) {
            return Route.answer(ErrorPages.redirect(alloc, redirect), false);
        }
        if (tunnel == null || !tunnel.session().acceptsStreams()) {
            return Route.answer(notRouted(alloc, hostname, tunnel != null || edge.wasRecentlyBound(hostname)), false);
        }
        // Before any phase sees the request: a visitor's copies of the edge's own fields are never believed.
        HopByHopHeaders.stripInternal(request.headers());
        request.headers().remove(TrafficPolicy.CLIENT_CERT_SUBJECT);
        ClientAuthorities required = tunnel.policy().clientAuthorities();
        if (required != null) {
            PublicConnection.ClientCertificate certificate = connection.clientCertificateUnder(required);
            if (certificate == null) {
                // A TLS connection whose handshake asked for no certificate, or under other authorities, is of no
                // more use for this name: closing it lets the client's next attempt make the handshake required.
                return Route.answer(clientCertificateRequired(alloc, connection), connection.tls());
            }
            request.headers().set(TrafficPolicy.CLIENT_CERT_SUBJECT, certificate.subject());
        }
        return Route.to(tunnel);
    }

    /**
     * The tunnel requires a client certificate (terminate-tls) that this connection's handshake did not verify: over
     * plain HTTP (HTTP/1.1 or HTTP/2) there is none, so the tunnel's HTTPS address is the only way in.
     */
    private static FullHttpResponse clientCertificateRequired(ByteBufAllocator alloc, PublicConnection connection) {
        return ErrorPages.page(alloc, HttpResponseStatus.FORBIDDEN, "client_certificate_required",
                "Client certificate required", connection.tls()
                        ? "This connection was opened without the client certificate this tunnel now requires."
                                + " Open a new connection."
                        : "This tunnel takes requests only over HTTPS, from clients that present a certificate"
                                + " it trusts.");
    }

    /** The Host names another server than the one this TLS connection was opened for (RFC 9110 §15.5.20). */
    private static FullHttpResponse misdirected(ByteBufAllocator alloc, String hostname, PublicConnection connection) {
        String serverName = connection.serverName() == null ? "no server name"
                : "<code>" + ErrorPages.escape(connection.serverName()) + "</code>";
        return ErrorPages.page(alloc, HttpResponseStatus.MISDIRECTED_REQUEST, "misdirected_request",
                "Misdirected Request", "This connection was opened for " + serverName + ", not for <code>"
                        + ErrorPages.escape(hostname) + "</code>. Open a new connection for that name.");
    }

    /** The answer for a host no connected agent serves: offline if it had a tunnel lately, else not found. */
    static FullHttpResponse notRouted(ByteBufAllocator alloc, String hostname, boolean offline) {
        String host = "<code>" + ErrorPages.escape(hostname) + "</code>";
        if (offline) {
            FullHttpResponse page = ErrorPages.page(alloc, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "tunnel_offline", "Tunnel offline",
                    "The tunnel " + host + " is offline: its agent is not connected right now.");
            page.headers().set(HttpHeaderNames.RETRY_AFTER, 5);
            return page;
        }
        return ErrorPages.page(alloc, HttpResponseStatus.NOT_FOUND, "tunnel_not_found", "Tunnel not found",
                "No tunnel is bound to " + host + " on this edge.");
    }

    /** The agent has as many streams open as it accepts. */
    static FullHttpResponse busy(ByteBufAllocator alloc) {
        FullHttpResponse page = ErrorPages.page(alloc, HttpResponseStatus.SERVICE_UNAVAILABLE,
                "tunnel_busy", "Tunnel busy", "The tunnel's agent is serving as many requests and open "
                        + "connections at once as it accepts. Try again in a moment.");
        page.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
        return page;
    }

    static FullHttpResponse agentUnreachable(ByteBufAllocator alloc) {
        return ErrorPages.page(alloc, HttpResponseStatus.BAD_GATEWAY, "agent_unreachable", "Tunnel unavailable",
                "The edge could not open a stream to this tunnel's agent.");
    }

    /** The agent's answer was not valid HTTP (a bad status); see {@link AgentResponseCheck}. */
    static FullHttpResponse agentBadResponse(ByteBufAllocator alloc) {
        return ErrorPages.page(alloc, HttpResponseStatus.BAD_GATEWAY, "agent_bad_response", "Bad Gateway",
                "The tunnel's agent answered this request with a response that is not valid HTTP.");
    }

    static FullHttpResponse agentStreamReset(ByteBufAllocator alloc) {
        return ErrorPages.page(alloc, HttpResponseStatus.BAD_GATEWAY, "agent_stream_reset", "Bad Gateway",
                "The tunnel's agent went away before it answered this request.");
    }
}
