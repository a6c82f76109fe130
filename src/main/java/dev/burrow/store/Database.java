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
            throw new StoreException("could not " + action, e);
        }
    }

    @FunctionalInterface
    interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }
}
