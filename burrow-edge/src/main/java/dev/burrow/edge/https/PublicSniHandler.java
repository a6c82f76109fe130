package dev.burrow.edge.https;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.http.HttpEdge;
import dev.burrow.tls.ClientAuthorities;
import dev.burrow.tls.PublicCertificate;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsyncMapping;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * Chooses the TLS context of a public HTTPS connection by its ClientHello's server name, then replaces itself with
 * that context's {@link SslHandler} (named {@code "tls"}): the name's certificate, and when the HTTP tunnel holding
 * the name has a {@code terminate-tls} rule, the same certificate in a context that requires a client certificate
 * from that rule's authorities. The policy is read once the certificate is there (an ACME order may take a while),
 * so the handshake runs under the policy of that moment; what it required is kept for the connection's requests
 * ({@link #requiredClientAuthorities}). A name without a certificate fails the connection with a
 * {@link DecoderException}, as Netty's own SNI handler does.
 */
final class PublicSniHandler extends AbstractSniHandler<SslContext> {
    private final HttpEdge edge;
    private final AsyncMapping<String, PublicCertificate> certificates;
    private String serverName;
    private ClientAuthorities required;

    /** @param certificates the certificate for a server name (null if the client sent none), at once or later */
    PublicSniHandler(HttpEdge edge, AsyncMapping<String, PublicCertificate> certificates, int maxClientHelloLength) {
        // No timeout of its own: TlsHandshakeGuard bounds the whole handshake.
        super(maxClientHelloLength, 0);
        this.edge = edge;
        this.certificates = certificates;
    }

    /** The name the ClientHello asked for, or null. */
    String serverName() {
        return serverName;
    }

    /** The authorities the handshake required a client certificate from, or null if it asked for none. */
    ClientAuthorities requiredClientAuthorities() {
        return required;
    }

    @Override
    protected Future<SslContext> lookup(ChannelHandlerContext ctx, String hostname) {
        serverName = hostname;
        Promise<SslContext> chosen = ctx.executor().newPromise();
        certificates.map(hostname, ctx.executor().newPromise()).addListener((Future<PublicCertificate> found) -> {
            if (!found.isSuccess()) {
                chosen.setFailure(found.cause());
                return;
            }
            Tunnel tunnel = hostname == null ? null : edge.find(hostname);
            required = tunnel == null ? null : tunnel.policy().clientAuthorities();
            try {
                chosen.setSuccess(required == null ? found.getNow().context()
                        : found.getNow().requiringClients(required));
            } catch (RuntimeException e) {
                chosen.setFailure(e);
            }
        });
        return chosen;
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<SslContext> future) {
        if (!future.isSuccess()) {
            throw new DecoderException("no TLS context for " + hostname + ": " + future.cause().getMessage(),
                    future.cause());
        }
        SslHandler tls = future.getNow().newHandler(ctx.alloc());
        tls.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        try {
            ctx.pipeline().replace(this, "tls", tls);
        } catch (RuntimeException e) {
            ReferenceCountUtil.safeRelease(tls.engine());
            throw e;
        }
    }
}
