package dev.burrow.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.store.JdbcStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountDirectoryTest {
    @TempDir
    Path dataDir;
    JdbcStore store;
    AccountDirectory directory;

    @BeforeEach
    void setUp() {
        store = JdbcStore.openSqlite(dataDir);
        directory = new AccountDirectory(store, "burrow.test");
        directory.run();
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void anAccountMadeSinceTheLastReadingIsKnownAsSoonAsOneOfItsSessionsAuthenticates() {
        store.accounts().create("shop", "metered");
        assertThat(directory.planOf("shop")).isNull();

        directory.know("shop");

        assertThat(directory.planOf("shop")).isEqualTo("metered");
    }

    @Test
    void anAccountTheStoreDoesNotHaveStaysUnknownAndOthersStayAsRead() {
        store.accounts().create("team", "free");
        directory.run();
        store.accounts().create("late", "metered");

        directory.know("team");
        directory.know("ghost");

        assertThat(directory.planOf("team")).isEqualTo("free");
        assertThat(directory.planOf("ghost")).isNull();
        assertThat(directory.planOf("late")).isEqualTo("metered");
    }
}
