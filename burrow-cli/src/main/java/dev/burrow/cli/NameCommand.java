package dev.burrow.cli;

import dev.burrow.store.ReservedName;
import dev.burrow.store.Store;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "name",
        mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = "Reserve names under the edge's domain for an account: no other account's agents may bind"
                + " them. Works whether or not the edge is running; a running edge applies a change within a second.",
        subcommands = {NameCommand.Reserve.class, NameCommand.Release.class, NameCommand.ListNames.class})
final class NameCommand extends CommandGroup {
    @Mixin
    EdgeDataDir dataDir;

    @Command(name = "reserve", mixinStandardHelpOptions = true,
            versionProvider = BurrowCommand.VersionProvider.class,
            description = "Reserve a name for an account. A tunnel of another account that holds it now keeps it"
                    + " until it goes.")
    static final class Reserve extends StoreCommand {
        @Parameters(paramLabel = "NAME", description = "Relative to the edge's domain: api stands for api.DOMAIN.")
        String name;

        @Option(names = "--account", paramLabel = "ACCOUNT", required = true, description = "Who may bind it.")
        String account;

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            ReservedName reserved = store.names().reserve(name, account);
            out.println("reserved " + reserved.name() + " for account " + reserved.account());
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            versionProvider = BurrowCommand.VersionProvider.class,
            description = "Let any account bind a reserved name again.")
    static final class Release extends StoreCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            if (!store.names().release(name)) {
                throw new CommandFailure("'" + name + "' is not reserved");
            }
            out.println("released " + name);
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "List reserved names. Times are UTC.")
    static final class ListNames extends StoreCommand {
        @Option(names = "--account", paramLabel = "ACCOUNT", description = "Only this account's names.")
        String account;

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            List<ReservedName> names = store.names().list().stream()
                    .filter(n -> account == null || n.account().equals(account)).toList();
            if (names.isEmpty()) {
                err.println("no reserved names; reserve one with: burrow edge name reserve NAME --account ACCOUNT");
                err.flush();
                return ExitCodes.OK;
            }
            Table table = new Table("NAME", "ACCOUNT", "RESERVED");
            names.forEach(n -> table.add(n.name(), n.account(), time(n.createdAt())));
            table.print(out);
            return ExitCodes.OK;
        }
    }
}
