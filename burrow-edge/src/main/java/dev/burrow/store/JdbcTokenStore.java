package dev.burrow.store;

import dev.burrow.protocol.Authtoken;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.sql.Types;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

final class JdbcTokenStore implements TokenStore {

    private static final int MAX_NAME_LENGTH = 100;
    private static final HexFormat HEX = HexFormat.of();
    // Stands in for the stored hash when the id is unknown, so that case costs the same as a wrong secret.
    private static final byte[] DUMMY_HASH = TokenFormat.hash(TokenFormat.generate().secret());

    private static final String COLUMNS = "tokens.id, tokens.name, account, scope_types, scope_names, expires_at,"
            + " tokens.created_at, last_used_at, revoked_at";
    private static final String INSERT = "INSERT INTO tokens (id, name, account, scope_types, scope_names,"
            + " expires_at, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT_BY_ID = "SELECT " + COLUMNS + ", secret_hash, accounts.disabled_at"
            + " FROM tokens JOIN accounts ON accounts.name = tokens.account WHERE tokens.id = ?";
    private static final String SELECT_STATES = "SELECT tokens.id, expires_at, revoked_at, accounts.disabled_at"
            + " FROM tokens JOIN accounts ON accounts.name = tokens.account WHERE tokens.id IN (%s)";
    // Bounds the statement's size whatever the number of live sessions.
    private static final int IDS_PER_QUERY = 500;
    private static final String SELECT_ACTIVE_NAME = "SELECT 1 FROM tokens WHERE name = ? AND revoked_at IS NULL";
    private static final String SELECT_ALL =
            "SELECT " + COLUMNS + " FROM tokens ORDER BY tokens.created_at DESC, tokens.id";
    private static final String TOUCH = "UPDATE tokens SET last_used_at = ? WHERE id = ?";
    private static final String REVOKE_BY_ID =
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
    private static final String REVOKE_BY_NAME =
            "UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL";

    private final Database database;
    private final JdbcAccountStore accounts;
    private final Clock clock;

    JdbcTokenStore(Database database, JdbcAccountStore accounts, Clock clock) {
        this.database = database;
        this.accounts = accounts;
        this.clock = clock;
    }

    @Override
    public IssuedToken create(String account, String name, TokenScope scope) {
        requireValidName(name);
        Objects.requireNonNull(scope, "scope");
        if (AccountStore.DEFAULT.equals(account)) {
            accounts.ensureDefault();
        } else if (accounts.find(account).isEmpty()) {
            throw new StoreException("no account '" + account + "'; create it with: burrow edge account create "
                    + account);
        }
        Authtoken.Parts parts = TokenFormat.generate();
        TokenRecord record = new TokenRecord(parts.id(), name, account, scope, now(), Optional.empty(),
                Optional.empty());
        database.run("create token '" + name + "'", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                insert.setString(1, record.id());
                insert.setString(2, name);
                insert.setString(3, account);
                insert.setString(4, scope.types().isEmpty() ? null : String.join(",", scope.types()));
                insert.setString(5, scope.names().isEmpty() ? null : String.join(",", scope.names()));
                if (scope.expiresAt().isPresent()) {
                    insert.setLong(6, scope.expiresAt().get().toEpochMilli());
                } else {
                    insert.setNull(6, Types.BIGINT);
                }
                insert.setString(7, HEX.formatHex(TokenFormat.hash(parts.secret())));
                insert.setLong(8, record.createdAt().toEpochMilli());
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
        Optional<Authtoken.Parts> parts = Authtoken.parse(presentedToken);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        String id = parts.get().id();
        byte[] presentedHash = TokenFormat.hash(parts.get().secret());
        return database.run("verify token " + id, connection -> {
            Optional<StoredToken> stored = findById(connection, id);
            byte[] expectedHash = stored.map(StoredToken::secretHash).orElse(DUMMY_HASH);
            boolean secretMatches = MessageDigest.isEqual(presentedHash, expectedHash);
            Instant now = now();
            if (!secretMatches || stored.isEmpty() || stored.get().unusableAt(now) != null) {
                return Optional.empty();
            }
            TokenRecord record = stored.get().record();
            try (PreparedStatement touch = connection.prepareStatement(TOUCH)) {
                touch.setLong(1, now.toEpochMilli());
                touch.setString(2, id);
                touch.executeUpdate();
            }
            return Optional.of(record.usedAt(now));
        });
    }

    @Override
    public Map<String, String> unusable(Collection<String> ids) {
        List<String> all = List.copyOf(new LinkedHashSet<>(ids));
        Map<String, String> reasons = new HashMap<>();
        Instant now = now();
        for (int from = 0; from < all.size(); from += IDS_PER_QUERY) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IDS_PER_QUERY));
            Set<String> found = new HashSet<>();
            database.run("check tokens", connection -> {
                String sql = String.format(SELECT_STATES, String.join(",", Collections.nCopies(chunk.size(), "?")));
                try (PreparedStatement select = connection.prepareStatement(sql)) {
                    for (int i = 0; i < chunk.size(); i++) {
                        select.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            String id = rows.getString("id");
                            found.add(id);
                            String reason = unusableAt(now, optionalInstant(rows, "revoked_at"),
                                    optionalInstant(rows, "expires_at"), optionalInstant(rows, "disabled_at"));
                            if (reason != null) {
                                reasons.put(id, reason);
                            }
                        }
                    }
                }
                return null;
            });
            for (String id : chunk) {
                if (!found.contains(id)) {
                    reasons.put(id, "deleted");
                }
            }
        }
        return reasons;
    }

    /** Why a token may not be used at {@code now}, or null if it may. */
    private static String unusableAt(Instant now, Optional<Instant> revokedAt, Optional<Instant> expiresAt,
                                     Optional<Instant> accountDisabledAt) {
        if (revokedAt.isPresent()) {
            return "revoked";
        }
        if (accountDisabledAt.isPresent()) {
            return "account disabled";
        }
        if (expiresAt.isPresent() && !now.isBefore(expiresAt.get())) {
            return "expired";
        }
        return null;
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
                return Optional.of(new StoredToken(readRecord(rows), HEX.parseHex(rows.getString("secret_hash")),
                        optionalInstant(rows, "disabled_at")));
            }
        }
    }

    private static TokenRecord readRecord(ResultSet row) throws SQLException {
        return new TokenRecord(
                row.getString("id"),
                row.getString("name"),
                row.getString("account"),
                new TokenScope(list(row.getString("scope_types")), list(row.getString("scope_names")),
                        optionalInstant(row, "expires_at")),
                Instant.ofEpochMilli(row.getLong("created_at")),
                optionalInstant(row, "last_used_at"),
                optionalInstant(row, "revoked_at"));
    }

    private static List<String> list(String commaSeparated) {
        return commaSeparated == null ? List.of() : List.of(commaSeparated.split(","));
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

    private record StoredToken(TokenRecord record, byte[] secretHash, Optional<Instant> accountDisabledAt) {
        String unusableAt(Instant now) {
            return JdbcTokenStore.unusableAt(now, record.revokedAt(), record.scope().expiresAt(), accountDisabledAt);
        }
    }
}
