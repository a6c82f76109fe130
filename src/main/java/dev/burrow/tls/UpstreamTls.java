package dev.burrow.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

/**
 * TLS towards the local services an agent forwards to. Unlike the edge link this accepts
 * TLS 1.2 as well, because upstreams are whatever the user runs.
 */
public final class UpstreamTls {

    private static final String HTTP_1_1 = "http/1.1";

    private UpstreamTls() {
    }

    /**
     * With {@code verify}, the upstream must present a certificate the JDK trusts for the host
     * given to {@code context.newHandler(alloc, host, port)}. Without it nothing is checked; that
     * is only for the explicit {@code --upstream-insecure} opt-in (typically a local self-signed
     * service), and warning about it is the caller's job.
     */
    public static SslContext upstreamClientContext(boolean verify) {
        return TlsContexts.build(TlsContexts.clientBuilder(
                TlsContexts.preferredProvider(),
                verify ? TlsContexts.systemTrust() : InsecureTrustManagerFactory.INSTANCE,
                verify,
                HTTP_1_1));
    }
}
