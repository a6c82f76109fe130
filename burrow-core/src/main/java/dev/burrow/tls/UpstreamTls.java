package dev.burrow.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

/**
 * TLS towards the local services an agent forwards to. Unlike the edge link this accepts
 * TLS 1.2 as well, because upstreams are whatever the user runs.
 */
public final class UpstreamTls {

    private static final String HTTP_1_1 = "http/1.1";
    private static final String HTTP_2 = "h2";

    private UpstreamTls() {
    }

    /**
     * With {@code verify}, the upstream must present a certificate the JDK trusts for the host
     * given to {@code context.newHandler(alloc, host, port)}. Without it nothing is checked; that
     * is only for the explicit {@code --upstream-insecure} opt-in (typically a local self-signed
     * service), and warning about it is the caller's job.
     *
     * <p>ALPN offers {@code h2} alone when {@code http2}, else {@code http/1.1}: the caller checks that an HTTP/2
     * upstream chose {@code h2} and refuses the connection otherwise, since nothing else can be spoken on it.
     */
    public static SslContext upstreamClientContext(boolean verify, boolean http2) {
        return TlsContexts.build(TlsContexts.clientBuilder(
                TlsContexts.preferredProvider(),
                verify ? TlsContexts.systemTrust() : InsecureTrustManagerFactory.INSTANCE,
                verify,
                http2 ? HTTP_2 : HTTP_1_1));
    }
}
