package dev.burrow.edge.https;

import dev.burrow.edge.http.HttpEdge;
import dev.burrow.edge.http.PublicHttpInitializer;
import dev.burrow.tls.PublicCertificate;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.AsyncMapping;
import java.time.Duration;

/**
 * Assembles a connection of the public HTTPS listener: the connection caps and idle timeout of the HTTP listener, a
 * guard on the handshake's time and size, TLS with the certificate the ClientHello's server name picks (from a
 * given certificate, or from ACME; requiring a client certificate where the name's tunnel asks), then ALPN, which
 * puts the HTTP/1.1 or HTTP/2 pipeline behind TLS.
 */
public final class PublicHttpsInitializer extends ChannelInitializer<SocketChannel> {
    /** A ClientHello is well under 2 KiB, even with post-quantum key shares; longer ones are refused. */
    private static final int MAX_CLIENT_HELLO = 16 * 1024;

    private final HttpEdge edge;
    private final AsyncMapping<String, PublicCertificate> certificates;
    private final Duration handshakeTimeout;

    /**
     * @param certificates the certificate for a server name (null if the client sent none); may complete later, on
     *                     any thread, and fails when the edge has no certificate to give
     */
    public PublicHttpsInitializer(HttpEdge edge, AsyncMapping<String, PublicCertificate> certificates,
                                  Duration handshakeTimeout) {
        this.edge = edge;
        this.certificates = certificates;
        this.handshakeTimeout = handshakeTimeout;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        edge.track(ch);
        edge.proxyProtocol().install(ch, pipeline -> {
            PublicSniHandler sni = new PublicSniHandler(edge, certificates, MAX_CLIENT_HELLO);
            pipeline.addLast("limit", edge.connectionLimiter())
                    .addLast("idle", PublicHttpInitializer.idleTimeout(edge))
                    .addLast("handshake-guard", new TlsHandshakeGuard(handshakeTimeout))
                    // Replaces itself with the SslHandler of the chosen context; the guard bounds the whole handshake.
                    .addLast("sni", sni)
                    .addLast("alpn", new PublicAlpnHandler(edge, sni));
        });
    }
}
