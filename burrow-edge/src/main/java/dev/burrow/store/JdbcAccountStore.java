package dev.burrow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

final class JdbcAccountStore implements AccountStore {
    /** The plan an account gets when none is named; the edge's configuration says what each plan allows. */
    static final String DEFAULT_PLAN = "free";

    private static final String COLUMNS = "name, plan, created_at, disabled_at";
    private static final String INSERT = "INSERT INTO accounts (name, plan, created_at) VALUES (?, ?, ?)";
    private static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM accounts WHERE name = ?";
    private static final String SELECT_ALL = "SELECT " + COLUMNS + " FROM accounts ORDER BY created_at, name";
    private static final String SET_PLAN = "UPDATE accounts SET plan = ? WHERE name = ?";
    private static final String DISABLE = "UPDATE accounts SET disabled_at = ? WHERE name = ? AND disabled_at IS NULL";
    private static final String ENABLE = "UPDATE accounts SET disabled_at = NULL WHERE name = ?"
            + " AND disabled_at IS NOT NULL";
    private static final String DELETE_TOKENS = "DELETE FROM tokens WHERE account = ?";
    private static final String DELETE_NAMES = "DELETE FROM reserved_names WHERE account = ?";
    private static final String DELETE_USAGE = "DELETE FROM usage WHERE account = ?";
    private static final String DELETE_DOMAINS = "DELETE FROM domains WHERE account = ?";
    private static final String DELETE = "DELETE FROM accounts WHERE name = ?";

    private final Database database;
    private final Clock clock;

    JdbcAccountStore(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public Account create(String name, String plan) {
        AccountStore.requireValidName(name);
        Objects.requireNonNull(plan, "plan");
        Account account = new Account(name, plan, now(), Optional.empty());
        database.run("create account '" + name + "'", connection -> {
            try {
                return insert(connection, account);
            } catch (SQLException e) {
                // As for tokens: the key stops duplicates, and asking afterwards gives the reason in words.
                if (find(connection, name).isPresent()) {
                    throw new StoreException("an account named '" + name + "' already exists");
                }
                throw e;
            }
        });
        return account;
    }

    /** Makes the default account unless it exists; two edges or commands doing it at once both succeed. */
    void ensureDefault() {
        database.run("create the default account", connection -> {
            if (find(connection, DEFAULT).isEmpty()) {
                try {
                    insert(connection, new Account(DEFAULT, DEFAULT_PLAN, now(), Optional.empty()));
                } catch (SQLException e) {
                    if (find(connection, DEFAULT).isEmpty()) {
                        throw e;
                    }
                }
            }
            return null;
        });
    }

    @Override
    public Optional<Account> find(String name) {
        return database.run("read account '" + name + "'", connection -> find(connection, name));
    }

    @Override
    public List<Account> list() {
        return database.run("list accounts", connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_ALL);
                 ResultSet rows = select.executeQuery()) {
                List<Account> accounts = new ArrayList<>();
                while (rows.next()) {
                    accounts.add(read(rows));
                }
                return accounts;
            }
        });
    }

    @Override
    public boolean setPlan(String name, String plan) {
        AccountStore.requireValidName(name);
        if (plan == null || plan.isBlank()) {
            throw new IllegalArgumentException("a plan's name must not be blank");
        }
        return database.run("set the plan of account '" + name + "'", connection -> {
            try (PreparedStatement update = connection.prepareStatement(SET_PLAN)) {
                update.setString(1, plan);
                update.setString(2, name);
                return update.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean disable(String name) {
        return database.run("disable account '" + name + "'", connection -> {
            try (PreparedStatement update = connection.prepareStatement(DISABLE)) {
                update.setLong(1, now().toEpochMilli());
                update.setString(2, name);
                return update.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean enable(String name) {
        return database.run("enable account '" + name + "'", connection -> {
            try (PreparedStatement update = connection.prepareStatement(ENABLE)) {
                update.setString(1, name);
                return update.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean delete(String name) {
        return database.inTransaction("delete account '" + name + "'", connection -> {
            try (PreparedStatement tokens = connection.prepareStatement(DELETE_TOKENS);
                 PreparedStatement names = connection.prepareStatement(DELETE_NAMES);
                 PreparedStatement usage = connection.prepareStatement(DELETE_USAGE);
                 PreparedStatement domains = connection.prepareStatement(DELETE_DOMAINS);
                 PreparedStatement account = connection.prepareStatement(DELETE)) {
                for (PreparedStatement owned : List.of(tokens, names, usage, domains)) {
                    owned.setString(1, name);
                    owned.executeUpdate();
                }
                account.setString(1, name);
                return account.executeUpdate() > 0;
            }
        });
    }

    private static int insert(Connection connection, Account account) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, account.name());
            insert.setString(2, account.plan());
            insert.setLong(3, account.createdAt().toEpochMilli());
            return insert.executeUpdate();
        }
    }

    private static Optional<Account> find(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT_ONE)) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        }
    }

    private static Account read(ResultSet row) throws SQLException {
        long disabled = row.getLong("disabled_at");
        Optional<Instant> disabledAt = row.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(disabled));
        return new Account(row.getString("name"), row.getString("plan"),
                Instant.ofEpochMilli(row.getLong("created_at")), disabledAt);
    }

    // Millisecond precision matches what the BIGINT columns hold, so returned records equal reloaded ones.
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
