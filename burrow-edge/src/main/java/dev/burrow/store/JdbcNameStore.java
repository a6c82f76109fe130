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
import java.util.Optional;

final class JdbcNameStore implements NameStore {
    private static final String INSERT = "INSERT INTO reserved_names (name, account, created_at) VALUES (?, ?, ?)";
    private static final String SELECT_ONE = "SELECT name, account, created_at FROM reserved_names WHERE name = ?";
    private static final String SELECT_ALL = "SELECT name, account, created_at FROM reserved_names ORDER BY name";
    private static final String DELETE = "DELETE FROM reserved_names WHERE name = ?";

    private final Database database;
    private final AccountStore accounts;
    private final Clock clock;

    JdbcNameStore(Database database, AccountStore accounts, Clock clock) {
        this.database = database;
        this.accounts = accounts;
        this.clock = clock;
    }

    @Override
    public ReservedName reserve(String name, String account) {
        String normalized = NameStore.normalize(name);
        if (accounts.find(account).isEmpty()) {
            throw new StoreException("no account '" + account + "'");
        }
        ReservedName wanted = new ReservedName(normalized, account, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        return database.run("reserve name '" + normalized + "'", connection -> {
            Optional<ReservedName> held = find(connection, normalized);
            if (held.isEmpty()) {
                try {
                    insert(connection, wanted);
                    return wanted;
                } catch (SQLException e) {
                    // The key stops a reservation made at the same moment; ask again to say whose it is.
                    held = find(connection, normalized);
                    if (held.isEmpty()) {
                        throw e;
                    }
                }
            }
            if (!held.get().account().equals(account)) {
                throw new StoreException("'" + normalized + "' is reserved for account '" + held.get().account()
                        + "'");
            }
            return held.get();
        });
    }

    @Override
    public boolean release(String name) {
        String normalized = NameStore.normalize(name);
        return database.run("release name '" + normalized + "'", connection -> {
            try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
                delete.setString(1, normalized);
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public List<ReservedName> list() {
        return database.run("list reserved names", connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_ALL);
                 ResultSet rows = select.executeQuery()) {
                List<ReservedName> names = new ArrayList<>();
                while (rows.next()) {
                    names.add(read(rows));
                }
                return names;
            }
        });
    }

    private static void insert(Connection connection, ReservedName name) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, name.name());
            insert.setString(2, name.account());
            insert.setLong(3, name.createdAt().toEpochMilli());
            insert.executeUpdate();
        }
    }

    private static Optional<ReservedName> find(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT_ONE)) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        }
    }

    private static ReservedName read(ResultSet row) throws SQLException {
        return new ReservedName(row.getString("name"), row.getString("account"),
                Instant.ofEpochMilli(row.getLong("created_at")));
    }
}
