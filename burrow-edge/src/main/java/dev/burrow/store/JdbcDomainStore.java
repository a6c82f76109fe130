package dev.burrow.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

final class JdbcDomainStore implements DomainStore {
    // 24 random bytes: 32 characters of base64url, which no one guesses and every DNS host accepts in a TXT value.
    private static final int CHALLENGE_BYTES = 24;
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final String COLUMNS = "hostname, account, challenge, created_at, verified_at";
    private static final String INSERT = "INSERT INTO domains (hostname, account, challenge, created_at)"
            + " VALUES (?, ?, ?, ?)";
    private static final String SELECT_ACCOUNT = "SELECT 1 FROM accounts WHERE name = ?";
    private static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM domains WHERE hostname = ?";
    private static final String SELECT_ALL = "SELECT " + COLUMNS + " FROM domains ORDER BY hostname";
    private static final String SELECT_OF_ACCOUNT = "SELECT " + COLUMNS + " FROM domains WHERE account = ?"
            + " ORDER BY hostname";
    private static final String SELECT_UNVERIFIED = "SELECT " + COLUMNS + " FROM domains WHERE verified_at IS NULL"
            + " ORDER BY created_at, hostname";
    private static final String MARK_VERIFIED = "UPDATE domains SET verified_at = ? WHERE hostname = ?"
            + " AND verified_at IS NULL";
    private static final String DELETE = "DELETE FROM domains WHERE hostname = ?";

    private final Database database;
    private final Clock clock;

    JdbcDomainStore(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public Domain add(String account, String name) {
        String domain = name == null ? null : name.toLowerCase(Locale.ROOT);
        DomainStore.requireValidName(domain);
        Domain added = new Domain(domain, account, challenge(), now(), Optional.empty());
        database.run("add domain '" + domain + "'", connection -> {
            if (!accountExists(connection, account)) {
                throw new StoreException("no account '" + account + "'; create it with: burrow edge account create "
                        + account);
            }
            try {
                return insert(connection, added);
            } catch (SQLException e) {
                // As for accounts: the key stops a second holder, and asking afterwards says who holds it.
                Domain held = find(connection, domain).orElseThrow(() -> e);
                throw new StoreException(held.account().equals(account)
                        ? "account '" + account + "' has domain '" + domain + "' already"
                        : "domain '" + domain + "' belongs to account '" + held.account() + "'");
            }
        });
        return added;
    }

    @Override
    public Optional<Domain> find(String name) {
        String domain = name.toLowerCase(Locale.ROOT);
        return database.run("read domain '" + domain + "'", connection -> find(connection, domain));
    }

    @Override
    public List<Domain> list() {
        return database.run("list domains", connection -> select(connection, SELECT_ALL, null));
    }

    @Override
    public List<Domain> list(String account) {
        return database.run("list the domains of account '" + account + "'",
                connection -> select(connection, SELECT_OF_ACCOUNT, account));
    }

    @Override
    public List<Domain> unverified() {
        return database.run("list unverified domains", connection -> select(connection, SELECT_UNVERIFIED, null));
    }

    @Override
    public boolean markVerified(String name) {
        String domain = name.toLowerCase(Locale.ROOT);
        return database.run("mark domain '" + domain + "' verified", connection -> {
            try (PreparedStatement update = connection.prepareStatement(MARK_VERIFIED)) {
                update.setLong(1, now().toEpochMilli());
                update.setString(2, domain);
                return update.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean remove(String name) {
        String domain = name.toLowerCase(Locale.ROOT);
        return database.run("remove domain '" + domain + "'", connection -> {
            try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
                delete.setString(1, domain);
                return delete.executeUpdate() > 0;
            }
        });
    }

    private static boolean accountExists(Connection connection, String account) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT_ACCOUNT)) {
            select.setString(1, account);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static int insert(Connection connection, Domain domain) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, domain.name());
            insert.setString(2, domain.account());
            insert.setString(3, domain.challenge());
            insert.setLong(4, domain.createdAt().toEpochMilli());
            return insert.executeUpdate();
        }
    }

    private static Optional<Domain> find(Connection connection, String name) throws SQLException {
        List<Domain> found = select(connection, SELECT_ONE, name);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** The rows of {@code sql}, whose one parameter, if it has one, is {@code parameter}. */
    private static List<Domain> select(Connection connection, String sql, String parameter) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            if (parameter != null) {
                select.setString(1, parameter);
            }
            try (ResultSet rows = select.executeQuery()) {
                List<Domain> domains = new ArrayList<>();
                while (rows.next()) {
                    domains.add(read(rows));
                }
                return domains;
            }
        }
    }

    private static Domain read(ResultSet row) throws SQLException {
        long verified = row.getLong("verified_at");
        Optional<Instant> verifiedAt = row.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(verified));
        return new Domain(row.getString("hostname"), row.getString("account"), row.getString("challenge"),
                Instant.ofEpochMilli(row.getLong("created_at")), verifiedAt);
    }

    private static String challenge() {
        byte[] bytes = new byte[CHALLENGE_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // Millisecond precision matches what the BIGINT columns hold, so returned records equal reloaded ones.
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
