package dev.burrow.cli;

import dev.burrow.store.DatabaseUrl;
import dev.burrow.store.JdbcStore;
import dev.burrow.store.Store;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --data-dir} and {@code --database-url} for {@code burrow edge} and its store commands, which must agree on
 * one store.
 */
final class EdgeDataDir {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The edge's database and certificate"
                    + " (default: burrow/edge under $XDG_DATA_HOME, else under ~/.local/share).")
    Path dir;

    @Option(names = "--database-url", paramLabel = "URL", defaultValue = "${env:BURROW_DATABASE_URL}",
            description = "Keep accounts, tokens and certificates in this PostgreSQL database:"
                    + " postgres://USER:PASSWORD@HOST:PORT/DB or jdbc:postgresql://... (default: $BURROW_DATABASE_URL,"
                    + " else SQLite in the data directory). Every edge sharing a database shares its accounts.")
    String databaseUrl;

    /**
     * This command's {@code --data-dir}, else one given to an enclosing command, so that
     * {@code burrow edge --data-dir D token list} does not quietly list the default directory's tokens.
     */
    Path resolve() {
        for (CommandSpec c = command; c != null; c = c.parent()) {
            for (CommandSpec mixin : c.mixins().values()) {
                if (mixin.userObject() instanceof EdgeDataDir option && option.dir != null) {
                    return option.dir;
                }
            }
        }
        return DataDirs.defaultFor("edge");
    }

    /** This command's {@code --database-url}, else an enclosing command's, else null (SQLite). */
    DatabaseUrl database() {
        for (CommandSpec c = command; c != null; c = c.parent()) {
            for (CommandSpec mixin : c.mixins().values()) {
                if (mixin.userObject() instanceof EdgeDataDir option && option.databaseUrl != null
                        && !option.databaseUrl.isBlank()) {
                    try {
                        return DatabaseUrl.parse(option.databaseUrl);
                    } catch (IllegalArgumentException e) {
                        throw new ParameterException(command.commandLine(), "--database-url: " + e.getMessage());
                    }
                }
            }
        }
        return null;
    }

    /** Opens the store these options name, for the length of one command. */
    Store openStore() {
        DatabaseUrl database = database();
        return database == null ? JdbcStore.openSqlite(resolve()) : JdbcStore.open(database);
    }
}
