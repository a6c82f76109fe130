package dev.burrow.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.burrow.config.PrivateFile;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/** A {@link Store} over plain JDBC; SQLite by default, any database the migrations run on later. */
public final class JdbcStore implements Store {

    private static final String SQLITE_FILE = "burrow.db";
    // Long enough to wait out another connection's short write, short enough to surface a wedged database.
    private static final int SQLITE_BUSY_TIMEOUT_MILLIS = 5_000;
    private static final int POOL_SIZE = 4;
    private static final int CONNECTION_TIMEOUT_MILLIS = 5_000;

    private final HikariDataSource pool;
    private final AccountStore accounts;
    private final TokenStore tokens;
    private final NameStore names;
    private final UsageStore usage;
    private final CertificateStore certificates;
    private final DomainStore domains;

    private JdbcStore(HikariDataSource pool, Clock clock) {
        this.pool = pool;
        JdbcAccountStore accountStore = new JdbcAccountStore(this::connect, clock);
        this.accounts = accountStore;
        this.tokens = new JdbcTokenStore(this::connect, accountStore, clock);
        this.names = new JdbcNameStore(this::connect, accountStore, clock);
        this.usage = new JdbcUsageStore(this::connect);
        this.certificates = new JdbcCertificateStore(this::connect);
        this.domains = new JdbcDomainStore(this::connect, clock);
    }

    /** Opens (creating if needed) {@code burrow.db} inside {@code dataDir}. */
    public static JdbcStore openSqlite(Path dataDir) {
        return openSqlite(dataDir, Clock.systemUTC());
    }

    /** As {@link #openSqlite(Path)}, judging expiries by {@code clock}. */
    public static JdbcStore openSqlite(Path dataDir, Clock clock) {
        Path database = dataDir.resolve(SQLITE_FILE);
        keepPrivate(dataDir, database);
        // WAL lets readers proceed during a write; the busy timeout makes a second writer wait instead of failing.
        String url = "jdbc:sqlite:" + database.toAbsolutePath()
                + "?journal_mode=WAL&busy_timeout=" + SQLITE_BUSY_TIMEOUT_MILLIS;
        return open(url, null, null, clock);
    }

    /** Opens a PostgreSQL database, bringing its schema up to date. */
    public static JdbcStore open(DatabaseUrl url) {
        return open(url, Clock.systemUTC());
    }

    /** As {@link #open(DatabaseUrl)}, judging expiries by {@code clock}. */
    public static JdbcStore open(DatabaseUrl url, Clock clock) {
        return open(url.jdbcUrl(), url.user(), url.password(), clock);
    }

    /** Opens a database by JDBC URL; {@code user} and {@code password} may be null when the URL needs none. */
    public static JdbcStore open(String jdbcUrl, String user, String password) {
        return open(jdbcUrl, user, password, Clock.systemUTC());
    }

    static JdbcStore open(String jdbcUrl, String user, String password, Clock clock) {
        HikariDataSource pool = pool(jdbcUrl, user, password);
        try {
            migrate(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new JdbcStore(pool, clock);
    }

    /**
     * Connections kept open and checked out per unit of work. A handful is plenty: the edge calls the store from
     * one thread, commands from theirs. SQLite serialises writers anyway; PostgreSQL's own limit is the operator's.
     */
    private static HikariDataSource pool(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("burrow-store");
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        // Fail a start against a database that is down within seconds, not after the pool's 30 s default.
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        config.setInitializationFailTimeout(CONNECTION_TIMEOUT_MILLIS);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            // The URL is left out of the message because it may carry credentials.
            throw new StoreException("could not connect to the database: " + e.getMessage(), e);
        }
    }

    @Override
    public AccountStore accounts() {
        return accounts;
    }

    @Override
    public TokenStore tokens() {
        return tokens;
    }

    @Override
    public NameStore names() {
        return names;
    }

    @Override
    public UsageStore usage() {
        return usage;
    }

    @Override
    public CertificateStore certificates() {
        return certificates;
    }

    @Override
    public DomainStore domains() {
        return domains;
    }

    @Override
    public void close() {
        pool.close();
    }

    private Connection connect() throws SQLException {
        if (pool.isClosed()) {
            throw new StoreException("store is closed");
        }
        return pool.getConnection();
    }

    private static void migrate(DataSource pool) {
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            // The URL is left out of the message because it may carry credentials.
            throw new StoreException("could not bring the database schema up to date", e);
        }
    }

    /**
     * The database holds token hashes and ACME private keys; other local users have no reason to read it. SQLite gives
     * the -wal and -shm files it makes the database file's mode, whatever the umask (it changes their mode to match),
     * so a database file made owner-only before SQLite opens it keeps them owner-only too; ones an earlier run left
     * are tightened with the rest.
     */
    private static void keepPrivate(Path dataDir, Path database) {
        try {
            PrivateFile.directory(dataDir);
            PrivateFile.create(database);
        } catch (IOException e) {
            throw new StoreException("could not create data directory " + dataDir + " or its database file", e);
        }
        PrivateFile.tighten(dataDir.resolve(SQLITE_FILE + "-wal"));
        PrivateFile.tighten(dataDir.resolve(SQLITE_FILE + "-shm"));
    }
}
