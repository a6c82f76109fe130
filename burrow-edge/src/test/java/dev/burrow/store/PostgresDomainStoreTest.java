package dev.burrow.store;

/** Domains on PostgreSQL, the production database, in a throwaway cluster started by the test. */
class PostgresDomainStoreTest extends DomainStoreContract {
    @Override
    JdbcStore openEmpty(MutableClock clock) throws Exception {
        PostgresCluster cluster = PostgresCluster.get();
        return JdbcStore.open(cluster.newDatabase(), cluster.user(), null, clock);
    }
}
