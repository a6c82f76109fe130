package dev.burrow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcStoreTest {
    private static final List<String> DATABASE_FILES = List.of("burrow.db", "burrow.db-wal", "burrow.db-shm");

    @TempDir
    Path tempDir;

    @Test
    void createsMissingDataDirectoryForOwnerOnly() throws IOException {
        assumeTrue(tempDir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path dataDir = tempDir.resolve("nested/data");

        try (JdbcStore store = JdbcStore.openSqlite(dataDir)) {
            store.tokens().create("laptop");
        }

        assertThat(dataDir.resolve("burrow.db")).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
    }

    @Test
    void anExistingDataDirectoryAndItsDatabaseFilesAreMadeOwnerOnly() throws Exception {
        assumeTrue(tempDir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path dataDir = tempDir.resolve("data");
        try (JdbcStore earlier = JdbcStore.openSqlite(dataDir)) {
            earlier.tokens().create("laptop");
        }
        // The earlier run's database still open elsewhere, so its -wal and -shm files are there too.
        try (Connection elsewhere = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("burrow.db"))) {
            elsewhere.createStatement().executeQuery("SELECT count(*) FROM tokens").close();
            setMode(dataDir, "rwxr-xr-x");
            for (String file : DATABASE_FILES) {
                setMode(dataDir.resolve(file), "rw-r--r--");
            }

            JdbcStore.openSqlite(dataDir).close();

            assertThat(mode(dataDir)).isEqualTo("rwx------");
            for (String file : DATABASE_FILES) {
                assertThat(mode(dataDir.resolve(file))).as(file).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void aNewDatabaseAndTheFilesSqliteAddsAreOwnerOnly() throws Exception {
        assumeTrue(tempDir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        try (JdbcStore store = JdbcStore.openSqlite(tempDir);
             // Held open so that SQLite keeps the -wal and -shm files it makes for the write below.
             Connection reader = DriverManager.getConnection("jdbc:sqlite:" + tempDir.resolve("burrow.db"))) {
            reader.createStatement().executeQuery("SELECT count(*) FROM tokens").close();
            store.tokens().create("laptop");

            for (String file : DATABASE_FILES) {
                assertThat(mode(tempDir.resolve(file))).as(file).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void sqliteDatabaseUsesWriteAheadLog() throws SQLException {
        JdbcStore.openSqlite(tempDir).close();

        assertThat(query(tempDir, "PRAGMA journal_mode")).containsExactly("wal");
    }

    @Test
    void reopeningKeepsTokensAndAppliesMigrationsOnce() throws SQLException, IOException {
        IssuedToken issued;
        try (JdbcStore store = JdbcStore.openSqlite(tempDir)) {
            issued = store.tokens().create("laptop");
        }

        try (JdbcStore store = JdbcStore.openSqlite(tempDir)) {
            assertThat(store.tokens().verify(issued.token())).isPresent();
        }
        try (JdbcStore store = JdbcStore.openSqlite(tempDir)) {
            assertThat(store.tokens().list()).singleElement()
                    .satisfies(record -> assertThat(record.lastUsedAt()).isPresent());
        }

        assertThat(query(tempDir, "SELECT version FROM flyway_schema_history WHERE success = 1 AND version IS NOT NULL"))
                .containsExactlyElementsOf(migrationVersions());
    }

    @Test
    void openByUrlRunsTheSameMigrations() throws SQLException {
        String url = "jdbc:sqlite:" + tempDir.resolve("burrow.db");

        try (JdbcStore store = JdbcStore.open(url, null, null)) {
            IssuedToken issued = store.tokens().create("laptop");
            assertThat(store.tokens().verify(issued.token())).isPresent();
        }

        assertThat(query(tempDir, "SELECT name FROM tokens")).containsExactly("laptop");
    }

    @Test
    void plaintextSecretIsNeverWritten() throws IOException {
        JdbcStore store = JdbcStore.openSqlite(tempDir);
        IssuedToken issued = store.tokens().create("laptop");
        store.tokens().verify(issued.token());
        String secret = issued.token().substring("brw_".length() + 12 + 1);
        String hash = HexFormat.of().formatHex(TokenFormat.hash(secret));

        // Scanned while open as well as after, so rows still sitting in the write-ahead log are covered.
        // Finding the hash proves the scan actually reaches the stored rows.
        assertThat(allFileContents(tempDir)).contains(hash).doesNotContain(secret);
        store.close();
        assertThat(allFileContents(tempDir)).contains(hash).doesNotContain(secret);
    }

    @Test
    void concurrentVerifiesAndWritesAllSucceed() throws Exception {
        try (JdbcStore store = JdbcStore.openSqlite(tempDir)) {
            IssuedToken issued = store.tokens().create("laptop");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    int n = i;
                    results.add(pool.submit(() -> n % 4 == 0
                            ? store.tokens().create("agent-" + n).record().active()
                            : store.tokens().verify(issued.token()).isPresent()));
                }
                for (Future<Boolean> result : results) {
                    assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(store.tokens().list()).hasSize(11);
        }
    }

    @Test
    void closedStoreRefusesWork() {
        JdbcStore store = JdbcStore.openSqlite(tempDir);
        TokenStore tokens = store.tokens();
        store.close();

        assertThatThrownBy(tokens::list).isInstanceOf(StoreException.class).hasMessageContaining("closed");
    }

    @Test
    void dataDirectoryThatIsAFileIsReportedAsStoreException() throws IOException {
        Path notADirectory = Files.createFile(tempDir.resolve("file"));

        assertThatThrownBy(() -> JdbcStore.openSqlite(notADirectory)).isInstanceOf(StoreException.class);
    }

    private static void setMode(Path path, String mode) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static List<String> query(Path dataDir, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("burrow.db"));
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }

    // ISO-8859-1 maps every byte to one char, so any ASCII string stored anywhere in the files shows up intact.
    private static String allFileContents(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            StringBuilder contents = new StringBuilder();
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                contents.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).append('\n');
            }
            return contents.toString();
        }
    }

    /** The versions of the migrations the build ships, in order: V1__tokens.sql is "1". */
    private static List<String> migrationVersions() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            return files.map(f -> f.getFileName().toString())
                    .map(name -> name.substring(1, name.indexOf("__")))
                    .sorted(Comparator.comparingInt(Integer::parseInt)).toList();
        }
    }
}
