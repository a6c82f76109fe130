package dev.burrow.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/** A {@link Store} over plain JDBC; SQLite by default, any database the migrations run on later. */
public final class JdbcStore implements Store {

    private static final String SQLITE_FILE = "burrow.db";
    // Long enough to wait out another connection's short write, short enough to surface a wedged database.
    private static final int SQLITE_BUSY_TIMEOUT_MILLIS = 5_000;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final TokenStore tokens;
    private final CertificateStore certificates;
    private volatile boolean closed;

    private JdbcStore(String jdbcUrl, String user, String password, Clock clock) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.tokens = new JdbcTokenStore(this::connect, clock);
        this.certificates = new JdbcCertificateStore(this::connect);
    }

    /** Opens (creating if needed) {@code burrow.db} inside {@code dataDir}. */
    public static JdbcStore openSqlite(Path dataDir) {
        return openSqlite(dataDir, Clock.systemUTC());
    }

    static JdbcStore openSqlite(Path dataDir, Clock clock) {
        createPrivateDirectory(dataDir);
        // WAL lets readers proceed during a write; the busy timeout makes a second writer wait instead of failing.
        String url = "jdbc:sqlite:" + dataDir.resolve(SQLITE_FILE).toAbsolutePath()
                + "?journal_mode=WAL&busy_timeout=" + SQLITE_BUSY_TIMEOUT_MILLIS;
        return open(url, null, null, clock);
    }

    /** Opens a database by JDBC URL; {@code user} and {@code password} may be null when the URL needs none. */
    public static JdbcStore open(String jdbcUrl, String user, String password) {
        return open(jdbcUrl, user, password, Clock.systemUTC());
    }

    static JdbcStore open(String jdbcUrl, String user, String password, Clock clock) {
        migrate(jdbcUrl, user, password);
        return new JdbcStore(jdbcUrl, user, password, clock);
    }

    @Override
    public TokenStore tokens() {
        return tokens;
    }

    @Override
    public CertificateStore certificates() {
        return certificates;
    }

    // Connections are per operation, so there is nothing to release; this only stops further use.
    @Override
    public void close() {
        closed = true;
    }

    private Connection connect() throws SQLException {
        if (closed) {
            throw new StoreException("store is closed");
        }
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    private static void migrate(String jdbcUrl, String user, String password) {
        try {
            Flyway.configure()
                    .dataSource(jdbcUrl, user, password)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            // The URL is left out of the message because it may carry credentials.
            throw new StoreException("could not bring the database schema up to date", e);
        }
    }

    // The database holds token hashes and private keys; other local users have no reason to read it.
    private static void createPrivateDirectory(Path dir) {
        try {
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new StoreException("could not create data directory " + dir, e);
        }
    }
}
