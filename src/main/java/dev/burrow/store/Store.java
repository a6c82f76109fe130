package dev.burrow.store;

/**
 * The edge's persistent state. Implementations own their database resources until {@link #close()}.
 */
public interface Store extends AutoCloseable {

    TokenStore tokens();

    CertificateStore certificates();

    @Override
    void close();
}
