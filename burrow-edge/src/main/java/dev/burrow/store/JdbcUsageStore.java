package dev.burrow.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

final class JdbcUsageStore implements UsageStore {
    // Both databases take this upsert: SQLite since 3.24, PostgreSQL since 9.5.
    private static final String ADD = "INSERT INTO usage (account, period, requests, bytes_in, bytes_out)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (account, period) DO UPDATE SET"
            + " requests = usage.requests + excluded.requests, bytes_in = usage.bytes_in + excluded.bytes_in,"
            + " bytes_out = usage.bytes_out + excluded.bytes_out";
    private static final String SELECT_ONE = "SELECT account, period, requests, bytes_in, bytes_out FROM usage"
            + " WHERE account = ? AND period = ?";
    private static final String SELECT_PERIOD = "SELECT account, period, requests, bytes_in, bytes_out FROM usage"
            + " WHERE period = ? ORDER BY account";

    private final Database database;

    JdbcUsageStore(Database database) {
        this.database = database;
    }

    @Override
    public void add(Collection<Usage> deltas) {
        if (deltas.isEmpty()) {
            return;
        }
        database.inTransaction("record usage", connection -> {
            try (PreparedStatement add = connection.prepareStatement(ADD)) {
                for (Usage delta : deltas) {
                    add.setString(1, delta.account());
                    add.setString(2, delta.period());
                    add.setLong(3, delta.requests());
                    add.setLong(4, delta.bytesIn());
                    add.setLong(5, delta.bytesOut());
                    add.addBatch();
                }
                add.executeBatch();
            }
            return null;
        });
    }

    @Override
    public Usage of(String account, String period) {
        return database.run("read usage", connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_ONE)) {
                select.setString(1, account);
                select.setString(2, period);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? read(rows) : new Usage(account, period, 0, 0, 0);
                }
            }
        });
    }

    @Override
    public List<Usage> in(String period) {
        return database.run("read usage", connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_PERIOD)) {
                select.setString(1, period);
                try (ResultSet rows = select.executeQuery()) {
                    List<Usage> usage = new ArrayList<>();
                    while (rows.next()) {
                        usage.add(read(rows));
                    }
                    return usage;
                }
            }
        });
    }

    private static Usage read(ResultSet row) throws SQLException {
        return new Usage(row.getString("account"), row.getString("period"), row.getLong("requests"),
                row.getLong("bytes_in"), row.getLong("bytes_out"));
    }
}
