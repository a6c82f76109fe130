package dev.burrow.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteTokenStoreTest extends TokenStoreContract {
    @TempDir
    Path dataDir;

    @Override
    JdbcStore openEmpty(MutableClock clock) {
        return JdbcStore.openSqlite(dataDir, clock);
    }
}
