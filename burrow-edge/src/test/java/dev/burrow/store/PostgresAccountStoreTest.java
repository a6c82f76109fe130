package dev.burrow.store;

/** Accounts on PostgreSQL, the production database, in a throwaway cluster started by the test. */
class PostgresAccountStoreTest extends AccountStoreContract {
    @Override
    JdbcStore openEmpty(MutableClock clock) throws Exception {
        PostgresCluster cluster = PostgresCluster.get();
        return JdbcStore.open(cluster.newDatabase(), cluster.user(), null, clock);
    }
}
