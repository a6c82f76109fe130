package dev.burrow.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DatabaseTest {
    @Test
    void aPoolThatTimedOutIsReportedWithTheReasonItHadNoConnection() {
        // As HikariCP reports a PostgreSQL server that is down: its own timeout, the driver's refusal as the cause.
        Database down = () -> {
            throw new SQLTransientConnectionException("burrow-store - Connection is not available, request timed out"
                    + " after 5000ms", "08001", new SQLException("Connection to 127.0.0.1:5432 refused."));
        };

        assertThatThrownBy(() -> down.run("record usage", connection -> null)).isInstanceOf(StoreException.class)
                .hasMessage("could not record usage: burrow-store - Connection is not available, request timed out"
                        + " after 5000ms; because: Connection to 127.0.0.1:5432 refused.");
    }

    @Test
    void aFailureWithoutAFurtherReasonIsReportedInTheDatabasesWords() {
        Database full = () -> {
            throw new SQLException("[SQLITE_FULL] database or disk is full");
        };

        assertThatThrownBy(() -> full.run("record usage", connection -> null))
                .hasMessage("could not record usage: [SQLITE_FULL] database or disk is full");
    }
}
