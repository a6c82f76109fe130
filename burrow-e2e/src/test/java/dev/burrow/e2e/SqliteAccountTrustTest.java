package dev.burrow.e2e;

import dev.burrow.edge.EdgeConfig;
import dev.burrow.store.JdbcStore;
import java.util.function.UnaryOperator;

/** Accounts and token scopes with the edge's store in SQLite in its data directory, the default. */
class SqliteAccountTrustTest extends AccountTrust {
    @Override
    UnaryOperator<EdgeConfig.Builder> store() {
        return b -> b;
    }

    @Override
    JdbcStore openAgain() {
        return JdbcStore.openSqlite(dataDir);
    }
}
