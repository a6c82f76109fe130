package dev.burrow.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/** Settings shared by every TLS context Burrow builds. */
final class TlsContexts {

    static final String TLS_1_3 = "TLSv1.3";

    /** JSSE name for RFC 2818 style hostname checks against the certificate's subjectAltName. */
    private static final String HTTPS_IDENTIFICATION = "HTTPS";

    private TlsContexts() {
    }

    /**
     * BoringSSL is markedly faster than the JDK engine, but the native library is only present
     * on platforms we ship it for; the JDK engine keeps everything else working. The bundled
     * BoringSSL always has TLS 1.3 and ALPN, so availability is the only question.
     */
    static SslProvider preferredProvider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /**
     * The identification algorithm is always set explicitly: Netty 4.2 defaults it from a system
     * property, and our choice must not depend on how the JVM was started. Setting it on the
     * context (not the engine) means every handler made from the context enforces it.
     */
    static SslContextBuilder clientBuilder(SslProvider provider, TrustManagerFactory trust,
                                           boolean verifyHostname, String... alpn) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(provider)
                .trustManager(trust)
                .endpointIdentificationAlgorithm(verifyHostname ? HTTPS_IDENTIFICATION : null);
        return withAlpn(builder, alpn);
    }

    /**
     * NO_ADVERTISE/ACCEPT lets a handshake finish without a common protocol so the caller can
     * answer with a protocol-level error instead of an opaque TLS alert.
     */
    static SslContextBuilder withAlpn(SslContextBuilder builder, String... protocols) {
        if (protocols.length == 0) {
            return builder;
        }
        return builder.applicationProtocolConfig(new ApplicationProtocolConfig(
                Protocol.ALPN, SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT,
                protocols));
    }

    static SslContext build(SslContextBuilder builder) {
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build TLS context: " + e.getMessage(), e);
        }
    }

    static TrustManagerFactory systemTrust() {
        return trustManagers(null);
    }

    /** A null key store means the JDK's default CA set (cacerts or javax.net.ssl.trustStore). */
    static TrustManagerFactory trustManagers(KeyStore anchors) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(anchors);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot initialise trust store: " + e.getMessage(), e);
        }
    }
}
