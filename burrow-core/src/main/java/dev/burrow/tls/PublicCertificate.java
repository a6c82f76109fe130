package dev.burrow.tls;

import io.netty.handler.ssl.SslContext;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A certificate the public HTTPS listener presents, with its key: the TLS context that serves it, and those that
 * serve it while requiring a client certificate from a set of authorities, built on first use and kept while a
 * policy holds that set. A renewed certificate is a new instance, so its contexts are built afresh.
 */
public final class PublicCertificate {
    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final SslContext context;
    /** Weak keys: a set no tunnel's policy holds any more lets its context go. */
    private final Map<ClientAuthorities, SslContext> requiringClients =
            Collections.synchronizedMap(new WeakHashMap<>());

    /** @param chain leaf first */
    public PublicCertificate(PrivateKey key, List<X509Certificate> chain) {
        this.key = key;
        this.chain = List.copyOf(chain);
        this.context = PublicTls.serverContext(key, this.chain, null);
    }

    /** The context for visitors at large. */
    public SslContext context() {
        return context;
    }

    /** The context whose handshakes fail without a client certificate issued under {@code authorities}. */
    public SslContext requiringClients(ClientAuthorities authorities) {
        return requiringClients.computeIfAbsent(authorities, required -> PublicTls.serverContext(key, chain, required));
    }
}
