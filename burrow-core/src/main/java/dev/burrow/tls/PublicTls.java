package dev.burrow.tls;

import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * TLS of the edge's public HTTPS listener. Unlike the agent port it accepts TLS 1.2 as well as 1.3, because public
 * clients are whatever browsers and tools people run.
 */
final class PublicTls {
    private static final String TLS_1_2 = "TLSv1.2";
    /** The ALPN ids offered, in preference order. */
    private static final String[] ALPN = {ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1};

    private PublicTls() {
    }

    /**
     * A server context presenting {@code chain} (leaf first) with its key; with {@code clients}, one that requires a
     * client certificate issued under those authorities and trusts no other.
     */
    static SslContext serverContext(PrivateKey key, List<X509Certificate> chain, ClientAuthorities clients) {
        SslContextBuilder builder = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                .sslProvider(TlsContexts.preferredProvider())
                .protocols(TlsContexts.TLS_1_3, TLS_1_2);
        if (clients != null) {
            builder.clientAuth(ClientAuth.REQUIRE)
                    .trustManager(clients.certificates().toArray(X509Certificate[]::new));
        }
        return TlsContexts.build(TlsContexts.withAlpn(builder, ALPN));
    }
}
