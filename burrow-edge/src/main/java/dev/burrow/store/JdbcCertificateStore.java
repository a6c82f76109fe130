package dev.burrow.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

final class JdbcCertificateStore implements CertificateStore {

    // ON CONFLICT ... DO UPDATE is spelled the same in SQLite (3.24+) and PostgreSQL (9.5+).
    private static final String UPSERT_ACCOUNT =
            "INSERT INTO acme_accounts (directory_url, account_url, key_pem, created_at) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (directory_url) DO UPDATE SET account_url = excluded.account_url,"
                    + " key_pem = excluded.key_pem, created_at = excluded.created_at";
    private static final String SELECT_ACCOUNT =
            "SELECT account_url, key_pem, created_at FROM acme_accounts WHERE directory_url = ?";
    private static final String UPSERT_CERTIFICATE =
            "INSERT INTO certificates (hostname, chain_pem, key_pem, not_before, not_after, issued_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (hostname) DO UPDATE SET chain_pem = excluded.chain_pem,"
                    + " key_pem = excluded.key_pem, not_before = excluded.not_before,"
                    + " not_after = excluded.not_after, issued_at = excluded.issued_at";
    private static final String SELECT_CERTIFICATES =
            "SELECT hostname, chain_pem, key_pem, not_before, not_after, issued_at FROM certificates ORDER BY hostname";

    private final Database database;

    JdbcCertificateStore(Database database) {
        this.database = database;
    }

    @Override
    public Optional<AcmeAccount> account(String directoryUrl) {
        return database.run("read the ACME account", connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_ACCOUNT)) {
                select.setString(1, directoryUrl);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new AcmeAccount(directoryUrl, row.getString("account_url"),
                            row.getString("key_pem"), Instant.ofEpochMilli(row.getLong("created_at"))));
                }
            }
        });
    }

    @Override
    public void saveAccount(AcmeAccount account) {
        database.run("save the ACME account", connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(UPSERT_ACCOUNT)) {
                upsert.setString(1, account.directoryUrl());
                upsert.setString(2, account.accountUrl());
                upsert.setString(3, account.keyPairPem());
                upsert.setLong(4, account.createdAt().toEpochMilli());
                return upsert.executeUpdate();
            }
        });
    }

    @Override
    public List<StoredCertificate> certificates() {
        return database.run("read certificates", connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_CERTIFICATES);
                 ResultSet rows = select.executeQuery()) {
                List<StoredCertificate> certificates = new ArrayList<>();
                while (rows.next()) {
                    certificates.add(read(rows));
                }
                return certificates;
            }
        });
    }

    @Override
    public void saveCertificate(StoredCertificate certificate) {
        database.run("save the certificate of " + certificate.hostname(), connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(UPSERT_CERTIFICATE)) {
                upsert.setString(1, certificate.hostname());
                upsert.setString(2, certificate.chainPem());
                upsert.setString(3, certificate.keyPem());
                upsert.setLong(4, certificate.notBefore().toEpochMilli());
                upsert.setLong(5, certificate.notAfter().toEpochMilli());
                upsert.setLong(6, certificate.issuedAt().toEpochMilli());
                return upsert.executeUpdate();
            }
        });
    }

    private static StoredCertificate read(ResultSet row) throws SQLException {
        return new StoredCertificate(row.getString("hostname"), row.getString("chain_pem"), row.getString("key_pem"),
                Instant.ofEpochMilli(row.getLong("not_before")), Instant.ofEpochMilli(row.getLong("not_after")),
                Instant.ofEpochMilli(row.getLong("issued_at")));
    }
}
