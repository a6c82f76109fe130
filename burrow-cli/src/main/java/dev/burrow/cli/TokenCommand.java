package dev.burrow.cli;

import dev.burrow.config.Durations;
import dev.burrow.protocol.TunnelType;
import dev.burrow.store.AccountStore;
import dev.burrow.store.IssuedToken;
import dev.burrow.store.Store;
import dev.burrow.store.TokenRecord;
import dev.burrow.store.TokenScope;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "token",
        mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = "Manage the authtokens agents present to this edge. Works whether or not the edge is running:"
                + " a revoked token's live sessions end within a second.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand extends CommandGroup {
    @Mixin
    EdgeDataDir dataDir;

    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "Issue a token and print it. Only its hash is kept: it cannot be shown again.")
    static final class Create extends StoreCommand {
        @Option(names = "--name", paramLabel = "NAME", required = true,
                description = "A label for the token, such as the agent's host; unique among active tokens.")
        String name;

        @Option(names = "--account", paramLabel = "ACCOUNT", defaultValue = AccountStore.DEFAULT,
                description = "The account the token belongs to (default: ${DEFAULT-VALUE}, made if missing).")
        String account;

        @Option(names = "--types", paramLabel = "TYPE", split = ",",
                description = "Let the token bind only these tunnel types: http, tcp, tls (default: any).")
        List<String> types = new ArrayList<>();

        @Option(names = "--names", paramLabel = "NAME", split = ",",
                description = "Let the token bind only these names: a subdomain (api), a hostname"
                        + " (app.example.com), or a pattern where * stands for letters, digits and '-' (pr-*)."
                        + " A token with names cannot bind a random one (default: any name).")
        List<String> names = new ArrayList<>();

        @Option(names = "--expires", paramLabel = "DURATION",
                description = "Stop the token working after this long, such as 30d or 12h; sessions using it end"
                        + " then (default: never).")
        String expires;

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            IssuedToken issued = store.tokens().create(account, name, scope());
            out.println(issued.token());
            out.flush();
            err.println("This token cannot be shown again: save it now (on the agent: burrow config add-authtoken"
                    + " TOKEN).");
            err.flush();
            return ExitCodes.OK;
        }

        private TokenScope scope() {
            for (String type : types) {
                if (TunnelType.fromWire(type) == null) {
                    throw new ParameterException(spec.commandLine(), "--types: '" + type
                            + "' is not a tunnel type (http, tcp, tls)");
                }
            }
            Optional<Instant> expiry = Optional.empty();
            if (expires != null) {
                try {
                    Duration lifetime = Durations.parse(expires);
                    expiry = Optional.of(Instant.now().plus(lifetime));
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--expires: " + e.getMessage());
                }
            }
            try {
                return new TokenScope(types, names, expiry);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--names: " + e.getMessage());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "List every token, revoked ones included, newest first. Times are UTC.")
    static final class ListTokens extends StoreCommand {
        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            List<TokenRecord> records = store.tokens().list();
            if (records.isEmpty()) {
                err.println("no tokens yet; create one with: burrow edge token create --name NAME");
                err.flush();
                return ExitCodes.OK;
            }
            Instant now = Instant.now();
            Table table = new Table("ID", "NAME", "ACCOUNT", "SCOPE", "CREATED", "LAST USED", "STATUS");
            for (TokenRecord token : records) {
                table.add(token.id(), token.name(), token.account(), scope(token.scope()), time(token.createdAt()),
                        token.lastUsedAt().map(StoreCommand::time).orElse("never"), status(token, now));
            }
            table.print(out);
            return ExitCodes.OK;
        }

        private static String scope(TokenScope scope) {
            List<String> parts = new ArrayList<>();
            if (!scope.types().isEmpty()) {
                parts.add("types=" + String.join(",", scope.types()));
            }
            if (!scope.names().isEmpty()) {
                parts.add("names=" + String.join(",", scope.names()));
            }
            scope.expiresAt().ifPresent(at -> parts.add("expires=" + time(at)));
            return parts.isEmpty() ? "any" : String.join(" ", parts);
        }

        private static String status(TokenRecord token, Instant now) {
            if (!token.active()) {
                return "revoked";
            }
            return token.scope().unexpired(now) ? "active" : "expired";
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "Revoke a token so no agent can authenticate with it again; a running edge ends the"
                    + " sessions using it within a second.")
    static final class Revoke extends StoreCommand {
        @Parameters(paramLabel = "ID_OR_NAME", description = "The token's id or name, as 'burrow edge token list'"
                + " shows them; an id match wins.")
        String idOrName;

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            if (!store.tokens().revoke(idOrName)) {
                throw new CommandFailure("no active token has the id or name '" + idOrName + "'");
            }
            out.println("revoked " + idOrName);
            out.flush();
            return ExitCodes.OK;
        }
    }
}
