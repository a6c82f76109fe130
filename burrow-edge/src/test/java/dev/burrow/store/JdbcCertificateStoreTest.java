package dev.burrow.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcCertificateStoreTest {
    private static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_123L);

    @TempDir
    Path dataDir;

    private static StoredCertificate certificate(String hostname, String chain, Instant notAfter) {
        return new StoredCertificate(hostname, chain, "key of " + chain, T0, notAfter, T0);
    }

    @Test
    void accountIsKeptPerDirectoryAndSurvivesReopening() {
        AcmeAccount account = new AcmeAccount("https://ca.test/dir", "https://ca.test/acct/1", "pem", T0);
        try (JdbcStore store = JdbcStore.openSqlite(dataDir)) {
            store.certificates().saveAccount(account);
        }

        try (JdbcStore store = JdbcStore.openSqlite(dataDir)) {
            assertThat(store.certificates().account("https://ca.test/dir")).hasValue(account);
            assertThat(store.certificates().account("https://other-ca.test/dir")).isEmpty();
        }
    }

    @Test
    void savingAnAccountAgainReplacesIt() {
        try (JdbcStore store = JdbcStore.openSqlite(dataDir)) {
            store.certificates().saveAccount(new AcmeAccount("https://ca.test/dir", "https://ca.test/acct/1", "a", T0));
            AcmeAccount second = new AcmeAccount("https://ca.test/dir", "https://ca.test/acct/2", "b", T0);
            store.certificates().saveAccount(second);

            assertThat(store.certificates().account("https://ca.test/dir")).hasValue(second);
        }
    }

    @Test
    void aRenewalReplacesTheHostnamesCertificate() {
        try (JdbcStore store = JdbcStore.openSqlite(dataDir)) {
            StoredCertificate other = certificate("b.burrow.test", "chain-b", T0.plusSeconds(60));
            store.certificates().saveCertificate(certificate("a.burrow.test", "chain-1", T0.plusSeconds(60)));
            store.certificates().saveCertificate(other);
            StoredCertificate renewed = certificate("a.burrow.test", "chain-2", T0.plusSeconds(120));
            store.certificates().saveCertificate(renewed);

            assertThat(store.certificates().certificates()).containsExactly(renewed, other);
        }
    }

    @Test
    void keysNeverAppearInTextMeantForLogs() {
        StoredCertificate stored = certificate("a.burrow.test", "chain", T0);
        AcmeAccount account = new AcmeAccount("https://ca.test/dir", "https://ca.test/acct/1", "secret-pem", T0);

        assertThat(stored.toString()).doesNotContain("key of chain");
        assertThat(account.toString()).doesNotContain("secret-pem");
    }
}
