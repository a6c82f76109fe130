package dev.burrow.cli;

import dev.burrow.store.Account;
import dev.burrow.store.AccountStore;
import dev.burrow.store.Store;
import dev.burrow.store.TokenRecord;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "account",
        mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = "Manage the accounts that own tokens. Works whether or not the edge is running: a disabled or"
                + " deleted account's live sessions end within a second.",
        subcommands = {AccountCommand.Create.class, AccountCommand.ListAccounts.class, AccountCommand.Show.class,
            AccountCommand.SetPlan.class, AccountCommand.Disable.class, AccountCommand.Enable.class,
            AccountCommand.Delete.class})
final class AccountCommand extends CommandGroup {
    @Mixin
    EdgeDataDir dataDir;

    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "Make an account; then give it tokens with: burrow edge token create --account NAME.")
    static final class Create extends StoreCommand {
        @Parameters(paramLabel = "NAME", description = "1 to 64 of a-z, 0-9 and '-'; it cannot be changed later.")
        String name;

        @Option(names = "--plan", paramLabel = "PLAN", defaultValue = "free",
                description = "The account's plan, which sets its limits (default: ${DEFAULT-VALUE}).")
        String plan;

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            store.accounts().create(name, plan);
            out.println("created account " + name);
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "List every account, oldest first. Times are UTC.")
    static final class ListAccounts extends StoreCommand {
        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            List<Account> accounts = store.accounts().list();
            if (accounts.isEmpty()) {
                err.println("no accounts yet; create one with: burrow edge account create NAME");
                err.flush();
                return ExitCodes.OK;
            }
            List<TokenRecord> tokens = store.tokens().list();
            Table table = new Table("NAME", "PLAN", "TOKENS", "CREATED", "STATUS");
            for (Account account : accounts) {
                long active = tokens.stream().filter(t -> t.account().equals(account.name()) && t.active()).count();
                table.add(account.name(), account.plan(), Long.toString(active), time(account.createdAt()),
                        status(account));
            }
            table.print(out);
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "Show one account and its tokens. Times are UTC.")
    static final class Show extends StoreCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            Account account = store.accounts().find(name)
                    .orElseThrow(() -> new CommandFailure("no account '" + name + "'"));
            out.println("account:  " + account.name());
            out.println("plan:     " + account.plan());
            out.println("created:  " + time(account.createdAt()));
            out.println("status:   " + status(account));
            Table table = new Table("TOKEN", "NAME", "LAST USED", "STATUS");
            List<TokenRecord> tokens = store.tokens().list().stream()
                    .filter(t -> t.account().equals(account.name())).toList();
            for (TokenRecord token : tokens) {
                table.add(token.id(), token.name(), token.lastUsedAt().map(StoreCommand::time).orElse("never"),
                        token.active() ? "active" : "revoked");
            }
            if (tokens.isEmpty()) {
                out.println("tokens:   none");
            } else {
                out.println();
                table.print(out);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "set-plan", mixinStandardHelpOptions = true,
            versionProvider = BurrowCommand.VersionProvider.class,
            description = "Put the account on another plan; a running edge holds it to the new plan's limits within"
                    + " a second, from the next bind and request (tunnels online stay).")
    static final class SetPlan extends StoreCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "PLAN", description = "A plan of the edge's configuration; an account"
                + " on a plan the edge does not define is held to free's limits.")
        String plan;

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            // Checked first, as create checks it: a mistyped name is told as such, not as a missing account.
            AccountStore.requireValidName(name);
            Account before = store.accounts().find(name)
                    .orElseThrow(() -> new CommandFailure("no account '" + name + "'"));
            if (before.plan().equals(plan)) {
                out.println("account '" + name + "' is on plan '" + plan + "' already");
            } else if (store.accounts().setPlan(name, plan)) {
                out.println("account '" + name + "' is now on plan '" + plan + "' (was '" + before.plan()
                        + "'); a running edge applies it within a second");
            } else {
                throw new CommandFailure("no account '" + name + "'");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            versionProvider = BurrowCommand.VersionProvider.class,
            description = "Stop every token of the account working until it is enabled again; a running edge ends"
                    + " its live sessions within a second.")
    static final class Disable extends StoreCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            if (!store.accounts().disable(name)) {
                throw new CommandFailure(store.accounts().find(name).isPresent()
                        ? "account '" + name + "' is disabled already" : "no account '" + name + "'");
            }
            out.println("disabled account " + name);
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "Let a disabled account's tokens work again.")
    static final class Enable extends StoreCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            if (!store.accounts().enable(name)) {
                throw new CommandFailure(store.accounts().find(name).isPresent()
                        ? "account '" + name + "' is not disabled" : "no account '" + name + "'");
            }
            out.println("enabled account " + name);
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "Delete the account, its tokens and its domains; a running edge ends its live sessions"
                    + " within a second. This cannot be undone.")
    static final class Delete extends StoreCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            if (!store.accounts().delete(name)) {
                throw new CommandFailure("no account '" + name + "'");
            }
            out.println("deleted account " + name + ", its tokens and its domains");
            out.flush();
            return ExitCodes.OK;
        }
    }

    private static String status(Account account) {
        return account.enabled() ? "enabled" : "disabled since " + StoreCommand.time(account.disabledAt().get());
    }
}
