package dev.burrow.store;

/** The token store on PostgreSQL, the production database, in a throwaway cluster started by the test. */
class PostgresTokenStoreTest extends TokenStoreContract {
    @Override
    JdbcStore openEmpty(MutableClock clock) throws Exception {
        PostgresCluster cluster = PostgresCluster.get();
        return JdbcStore.open(cluster.newDatabase(), cluster.user(), null, clock);
    }
}
