package dev.burrow.cli;

import dev.burrow.store.IssuedToken;
import dev.burrow.store.JdbcStore;
import dev.burrow.store.Store;
import dev.burrow.store.TokenRecord;
import dev.burrow.store.TokenStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "token",
        mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = "Manage the authtokens agents present to this edge. Works whether or not the edge is running.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand extends CommandGroup {
    @Mixin
    EdgeDataDir dataDir;

    /** Opens the edge's store for the length of one command. */
    abstract static class StoreCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        EdgeDataDir dataDir;

        @Mixin
        LoggingOptions logging;

        @Override
        public Integer call() {
            try (Store store = JdbcStore.openSqlite(dataDir.resolve())) {
                return run(store.tokens(), spec.commandLine().getOut(), spec.commandLine().getErr());
            }
        }

        abstract int run(TokenStore tokens, PrintWriter out, PrintWriter err);
    }

    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "Issue a token and print it. Only its hash is kept: it cannot be shown again.")
    static final class Create extends StoreCommand {
        @Option(names = "--name", paramLabel = "NAME", required = true,
                description = "A label for the token, such as the agent's host; unique among active tokens.")
        String name;

        @Override
        int run(TokenStore tokens, PrintWriter out, PrintWriter err) {
            IssuedToken issued = tokens.create(name);
            out.println(issued.token());
            out.flush();
            err.println("This token cannot be shown again: save it now (on the agent: burrow config add-authtoken"
                    + " TOKEN).");
            err.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "List every token, revoked ones included, newest first. Times are UTC.")
    static final class ListTokens extends StoreCommand {
        @Override
        int run(TokenStore tokens, PrintWriter out, PrintWriter err) {
            List<TokenRecord> records = tokens.list();
            if (records.isEmpty()) {
                err.println("no tokens yet; create one with: burrow edge token create --name NAME");
                err.flush();
                return ExitCodes.OK;
            }
            Table table = new Table("ID", "NAME", "CREATED", "LAST USED", "STATUS");
            for (TokenRecord token : records) {
                table.add(token.id(), token.name(), time(token.createdAt()),
                        token.lastUsedAt().map(TokenCommand::time).orElse("never"),
                        token.active() ? "active" : "revoked");
            }
            table.print(out);
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "Revoke a token so no agent can authenticate with it again.")
    static final class Revoke extends StoreCommand {
        @Parameters(paramLabel = "ID_OR_NAME", description = "The token's id or name, as 'burrow edge token list'"
                + " shows them; an id match wins.")
        String idOrName;

        @Override
        int run(TokenStore tokens, PrintWriter out, PrintWriter err) {
            if (!tokens.revoke(idOrName)) {
                throw new CommandFailure("no active token has the id or name '" + idOrName + "'");
            }
            out.println("revoked " + idOrName);
            out.flush();
            return ExitCodes.OK;
        }
    }

    private static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
