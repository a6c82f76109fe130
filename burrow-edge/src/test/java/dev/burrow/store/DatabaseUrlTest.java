package dev.burrow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlTest {
    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        "postgres://burrow:s3cret@db.internal:5433/edge?sslmode=require,"
                + " jdbc:postgresql://db.internal:5433/edge?sslmode=require, burrow, s3cret",
        "postgresql://burrow@db.internal/edge, jdbc:postgresql://db.internal/edge, burrow, null",
        "postgres://db.internal/edge, jdbc:postgresql://db.internal/edge, null, null",
        "postgres://me:p%40ss%3Aword@[::1]:5432/edge, jdbc:postgresql://[::1]:5432/edge, me, p@ss:word",
        "postgres://me:a+b@localhost/edge, jdbc:postgresql://localhost/edge, me, a+b",
        "jdbc:postgresql://localhost/edge?user=me, jdbc:postgresql://localhost/edge?user=me, null, null",
    })
    void readsTheFormsOperatorsWrite(String text, String jdbcUrl, String user, String password) {
        assertThat(DatabaseUrl.parse(text)).isEqualTo(new DatabaseUrl(jdbcUrl, user, password));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "postgres:///edge", "postgres://bad host/edge"})
    void refusesAMalformedUrlSayingWhatIsWrong(String text) {
        assertThatThrownBy(() -> DatabaseUrl.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the database URL").satisfiesAnyOf(
                        e -> assertThat(e).hasMessageContaining("is empty"),
                        e -> assertThat(e).hasMessageContaining("names no host"),
                        e -> assertThat(e).hasMessageContaining("is malformed"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql://localhost/edge", "/var/lib/burrow/burrow.db"})
    void aUrlOfAnotherKindIsToldTheFormsAccepted(String text) {
        assertThatThrownBy(() -> DatabaseUrl.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("postgres://USER:PASSWORD@HOST:PORT/DB");
    }

    @Test
    void thePasswordStaysOutOfItsText() {
        assertThat(DatabaseUrl.parse("postgres://me:hunter2@localhost/edge").toString()).doesNotContain("hunter2");
    }
}
