package dev.burrow.e2e;

import dev.burrow.edge.EdgeConfig;
import dev.burrow.store.DatabaseUrl;
import dev.burrow.store.JdbcStore;
import dev.burrow.store.PostgresCluster;
import java.util.function.UnaryOperator;

/** Accounts and token scopes with the edge's store in PostgreSQL (burrow edge --database-url). */
class PostgresAccountTrustTest extends AccountTrust {
    private DatabaseUrl database;

    @Override
    UnaryOperator<EdgeConfig.Builder> store() throws Exception {
        database = PostgresCluster.get().newDatabaseUrl();
        return b -> b.database(database);
    }

    @Override
    JdbcStore openAgain() {
        return JdbcStore.open(database);
    }
}
