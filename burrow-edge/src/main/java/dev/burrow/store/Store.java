package dev.burrow.store;

/**
 * The edge's persistent state. Implementations own their database resources until {@link #close()}.
 */
public interface Store extends AutoCloseable {

    AccountStore accounts();

    TokenStore tokens();

    NameStore names();

    UsageStore usage();

    CertificateStore certificates();

    DomainStore domains();

    @Override
    void close();
}
