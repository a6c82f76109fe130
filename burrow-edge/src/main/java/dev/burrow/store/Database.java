package dev.burrow.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Hands out a connection per unit of work, which keeps thread safety down to what the database itself provides. */
@FunctionalInterface
interface Database {

    Connection connect() throws SQLException;

    default <T> T run(String action, Work<T> work) {
        try (Connection connection = connect()) {
            return work.apply(connection);
        } catch (SQLException e) {
            // The database's own words say what an operator must fix: a full disk, a server that is down.
            throw new StoreException("could not " + action + ": " + words(e), e);
        }
    }

    /**
     * What the database said. A pool that timed out waiting for a connection says only that; the reason it had none
     * (the server refused, say) is its cause, and is what the operator needs.
     */
    static String words(SQLException e) {
        Throwable cause = e.getCause();
        String said = e.getMessage();
        if (cause == null || cause.getMessage() == null || said != null && said.contains(cause.getMessage())) {
            return said;
        }
        return said + "; because: " + cause.getMessage();
    }

    /** As {@link #run}, with every statement of {@code work} committed together or not at all. */
    default <T> T inTransaction(String action, Work<T> work) {
        return run(action, connection -> {
            connection.setAutoCommit(false);
            T result;
            try {
                result = work.apply(connection);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                // SQLite ends the transaction itself on some failures (a full disk), and then rolling back and
                // restoring auto-commit fail too ("no transaction is active"): that must not hide why the work failed.
                try {
                    connection.rollback();
                } catch (SQLException cleanup) {
                    e.addSuppressed(cleanup);
                }
                try {
                    connection.setAutoCommit(true);
                } catch (SQLException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            connection.setAutoCommit(true);
            return result;
        });
    }

    @FunctionalInterface
    interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }
}
