package dev.burrow.edge.https;

import dev.burrow.edge.http.HttpEdge;
import dev.burrow.edge.http.PublicConnection;
import dev.burrow.edge.http.PublicHttp2Pipeline;
import dev.burrow.edge.http.PublicHttpInitializer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once TLS is up, installs the pipeline of the protocol ALPN chose behind it, and removes itself and the handshake
 * guard. A client that offers no ALPN gets HTTP/1.1. Remembers the server name the SNI handler saw, because the
 * HTTP/1.1 relay checks each request's Host against it.
 */
final class PublicAlpnHandler extends ApplicationProtocolNegotiationHandler {
    private static final Logger log = LoggerFactory.getLogger(PublicAlpnHandler.class);

    private final HttpEdge edge;
    private String serverName;

    PublicAlpnHandler(HttpEdge edge) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.edge = edge;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SniCompletionEvent sni) {
            serverName = sni.hostname();
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        ctx.pipeline().remove(TlsHandshakeGuard.class);
        PublicConnection connection = PublicConnection.tls(serverName);
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

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug().addKeyValue("remote", ctx.channel().remoteAddress()).addKeyValue("server_name", serverName)
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
