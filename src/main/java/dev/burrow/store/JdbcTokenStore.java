package dev.burrow.store;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

final class JdbcTokenStore implements TokenStore {

    private static final int MAX_NAME_LENGTH = 100;
    private static final HexFormat HEX = HexFormat.of();
    // Stands in for the stored hash when the id is unknown, so that case costs the same as a wrong secret.
    private static final byte[] DUMMY_HASH = TokenFormat.hash(TokenFormat.generate().secret());

    private static final String COLUMNS = "id, name, created_at, last_used_at, revoked_at";
    private static final String INSERT =
            "INSERT INTO tokens (id, name, secret_hash, created_at) VALUES (?, ?, ?, ?)";
    private static final String SELECT_BY_ID = "SELECT " + COLUMNS + ", secret_hash FROM tokens WHERE id = ?";
    private static final String SELECT_ACTIVE_NAME = "SELECT 1 FROM tokens WHERE name = ? AND revoked_at IS NULL";
    private static final String SELECT_ALL = "SELECT " + COLUMNS + " FROM tokens ORDER BY created_at DESC, id";
    private static final String TOUCH = "UPDATE tokens SET last_used_at = ? WHERE id = ?";
    private static final String REVOKE_BY_ID =
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
    private static final String REVOKE_BY_NAME =
            "UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL";

    private final Database database;
    private final Clock clock;

    JdbcTokenStore(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public IssuedToken create(String name) {
        requireValidName(name);
        TokenFormat.Parts parts = TokenFormat.generate();
        TokenRecord record = new TokenRecord(parts.id(), name, now(), Optional.empty(), Optional.empty());
        database.run("create token '" + name + "'", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                insert.setString(1, record.id());
                insert.setString(2, name);
                insert.setString(3, HEX.formatHex(TokenFormat.hash(parts.secret())));
                insert.setLong(4, record.createdAt().toEpochMilli());
                return insert.executeUpdate();
            } catch (SQLException e) {
                // The unique index is what actually stops concurrent duplicates; ask afterwards so the caller
                // learns the reason instead of a driver-specific constraint error.
                if (activeNameExists(connection, name)) {
                    throw new StoreException("an active token named '" + name
                            + "' already exists; revoke it or choose another name");
                }
                throw e;
            }
        });
        return new IssuedToken(record, parts.token());
    }

    @Override
    public Optional<TokenRecord> verify(String presentedToken) {
        Optional<TokenFormat.Parts> parts = TokenFormat.parse(presentedToken);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        String id = parts.get().id();
        byte[] presentedHash = TokenFormat.hash(parts.get().secret());
        return database.run("verify token " + id, connection -> {
            Optional<StoredToken> stored = findById(connection, id);
            byte[] expectedHash = stored.map(StoredToken::secretHash).orElse(DUMMY_HASH);
            boolean secretMatches = MessageDigest.isEqual(presentedHash, expectedHash);
            if (!secretMatches || stored.isEmpty() || !stored.get().record().active()) {
                return Optional.empty();
            }
            TokenRecord record = stored.get().record();
            Instant now = now();
            try (PreparedStatement touch = connection.prepareStatement(TOUCH)) {
                touch.setLong(1, now.toEpochMilli());
                touch.setString(2, id);
                touch.executeUpdate();
            }
            return Optional.of(new TokenRecord(
                    record.id(), record.name(), record.createdAt(), Optional.of(now), record.revokedAt()));
        });
    }

    @Override
    public List<TokenRecord> list() {
        return database.run("list tokens", connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_ALL);
                 ResultSet rows = select.executeQuery()) {
                List<TokenRecord> records = new ArrayList<>();
                while (rows.next()) {
                    records.add(readRecord(rows));
                }
                return records;
            }
        });
    }

    /** An id match wins over a name match, so a token whose name happens to equal another's id stays reachable. */
    @Override
    public boolean revoke(String idOrName) {
        Objects.requireNonNull(idOrName, "idOrName");
        long now = now().toEpochMilli();
        return database.run("revoke token '" + idOrName + "'", connection ->
                revokeWhere(connection, REVOKE_BY_ID, idOrName, now)
                        || revokeWhere(connection, REVOKE_BY_NAME, idOrName, now));
    }

    private static boolean revokeWhere(Connection connection, String sql, String key, long now)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            update.setLong(1, now);
            update.setString(2, key);
            return update.executeUpdate() > 0;
        }
    }

    private static boolean activeNameExists(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT_ACTIVE_NAME)) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static Optional<StoredToken> findById(Connection connection, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT_BY_ID)) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredToken(readRecord(rows), HEX.parseHex(rows.getString("secret_hash"))));
            }
        }
    }

    private static TokenRecord readRecord(ResultSet row) throws SQLException {
        return new TokenRecord(
                row.getString("id"),
                row.getString("name"),
                Instant.ofEpochMilli(row.getLong("created_at")),
                optionalInstant(row, "last_used_at"),
                optionalInstant(row, "revoked_at"));
    }

    private static Optional<Instant> optionalInstant(ResultSet row, String column) throws SQLException {
        long millis = row.getLong(column);
        return row.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    private static void requireValidName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("token name must not be blank");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("token name must be at most " + MAX_NAME_LENGTH + " characters");
        }
    }

    // Millisecond precision matches what the BIGINT columns hold, so returned records equal reloaded ones.
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private record StoredToken(TokenRecord record, byte[] secretHash) {
    }
}
