package dev.burrow.edge.https;

import dev.burrow.edge.http.HttpEdge;
import dev.burrow.edge.http.PublicConnection;
import dev.burrow.edge.http.PublicHttp2Pipeline;
import dev.burrow.edge.http.PublicHttpInitializer;
import dev.burrow.tls.ClientAuthorities;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once TLS is up, installs the pipeline of the protocol ALPN chose behind it, and removes itself and the handshake
 * guard. A client that offers no ALPN gets HTTP/1.1. The connection carries what the handshake settled: the server
 * name the SNI handler saw, because each request's Host must match it, and the client certificate it verified, if
 * it required one, because the name's tunnel takes requests only with it.
 */
final class PublicAlpnHandler extends ApplicationProtocolNegotiationHandler {
    private static final Logger log = LoggerFactory.getLogger(PublicAlpnHandler.class);

    private final HttpEdge edge;
    private final PublicSniHandler sni;

    PublicAlpnHandler(HttpEdge edge, PublicSniHandler sni) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.edge = edge;
        this.sni = sni;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) throws SSLPeerUnverifiedException {
        ctx.pipeline().remove(TlsHandshakeGuard.class);
        PublicConnection connection = PublicConnection.tls(sni.serverName(), clientCertificate(ctx));
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            PublicHttp2Pipeline.configure(ctx.pipeline(), edge, connection);
            return;
        }
        if (!ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
            throw new IllegalStateException("ALPN chose a protocol this listener does not offer: " + protocol);
        }
        ctx.channel().config().setAutoRead(false);
        PublicHttpInitializer.addHttp1(ctx.pipeline(), edge, connection);
    }

    /** The client certificate the handshake required and verified, or null when it required none. */
    private PublicConnection.ClientCertificate clientCertificate(ChannelHandlerContext ctx)
            throws SSLPeerUnverifiedException {
        ClientAuthorities required = sni.requiredClientAuthorities();
        if (required == null) {
            return null;
        }
        X509Certificate leaf = (X509Certificate) ctx.pipeline().get(SslHandler.class).engine().getSession()
                .getPeerCertificates()[0];
        return PublicConnection.ClientCertificate.verified(required, leaf);
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug().addKeyValue("remote", ctx.channel().remoteAddress()).addKeyValue("server_name", sni.serverName())
                .log("public TLS handshake failed: {}", cause.toString());
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // No certificate for the name (no tunnel holds it, issuance limited or failed), or a ClientHello that
        // could not be read: the handshake cannot go on.
        log.atDebug().addKeyValue("remote", ctx.channel().remoteAddress())
                .log("public TLS connection failed: {}", cause.toString());
        ctx.close();
    }
}
