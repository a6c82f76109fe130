package dev.burrow.cli;

import dev.burrow.edge.domain.DomainProof;
import dev.burrow.edge.domain.EdgeOwnDomain;
import dev.burrow.edge.domain.TxtRecords;
import dev.burrow.store.Domain;
import dev.burrow.store.Store;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "domain",
        mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = "Manage the domains outside the edge's own whose names an account's agents may bind, once a"
                + " DNS TXT record proved the account owns them. Works whether or not the edge is running; a running"
                + " edge looks for the records of domains not verified yet every minute.",
        subcommands = {DomainCommand.Add.class, DomainCommand.Verify.class, DomainCommand.ListDomains.class,
            DomainCommand.Remove.class})
final class DomainCommand extends CommandGroup {
    @Mixin
    EdgeDataDir dataDir;

    @Command(name = "add", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "Give a domain to an account, unverified, and print the DNS TXT record that proves the"
                    + " account owns it.")
    static final class Add extends StoreCommand {
        @Parameters(paramLabel = "DOMAIN", description = "A hostname (app.example.com), or *.example.com for the"
                + " names one label below it.")
        String name;

        @Option(names = "--account", paramLabel = "ACCOUNT", required = true,
                description = "The account whose agents may bind the domain's names once it is verified.")
        String account;

        @Option(names = "--edge-domain", paramLabel = "DOMAIN",
                description = "The edge's --domain, whose names are the edge's own and cannot be added (default:"
                        + " the --domain given before 'domain', as in burrow edge --domain DOMAIN domain add ...).")
        String edgeDomain;

        @Override
        public Integer call() {
            refuseTheEdgesOwn();
            return super.call();
        }

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            Domain domain = store.domains().add(account, name);
            String names = domain.wildcard() ? "the names of " + domain.name() : domain.name();
            out.println("added domain " + domain.name() + " to account " + account + "; to prove the account owns"
                    + " it, create this DNS record:");
            out.println();
            out.println("  name:  " + domain.recordName());
            out.println("  type:  TXT");
            out.println("  value: " + domain.recordValue());
            out.println();
            out.println("A running edge looks for it every minute; to look now: burrow edge domain verify "
                    + domain.name());
            out.println("Then point " + names + " at the edge (a CNAME to one of its names, or its addresses).");
            out.flush();
            return ExitCodes.OK;
        }

        /** The edge's names are routed by its domain already; no account may claim them. */
        private void refuseTheEdgesOwn() {
            String refusal = EdgeOwnDomain.refusal(name, edgeDomain());
            if (refusal != null) {
                throw new CommandFailure(refusal);
            }
        }

        private String edgeDomain() {
            if (edgeDomain != null && !edgeDomain.isBlank()) {
                return edgeDomain.toLowerCase(Locale.ROOT);
            }
            for (CommandSpec c = spec.parent(); c != null; c = c.parent()) {
                if (c.userObject() instanceof EdgeCommand edge && edge.domain != null && !edge.domain.isBlank()) {
                    return edge.domain.toLowerCase(Locale.ROOT);
                }
            }
            throw new ParameterException(spec.commandLine(), "Missing the edge's domain: give --edge-domain DOMAIN"
                    + " (the edge's --domain), so that none of the edge's own names is added");
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            versionProvider = BurrowCommand.VersionProvider.class,
            description = "Look the domain's TXT record up now: exit 0 if it proves the domain (which then stays"
                    + " verified), else say why not and exit 1.")
    static final class Verify extends StoreCommand {
        @Parameters(paramLabel = "DOMAIN")
        String name;

        @Mixin
        DnsServerOption dnsServer;

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            Domain domain = store.domains().find(name)
                    .orElseThrow(() -> new CommandFailure("no domain '" + name + "'"));
            if (domain.verified()) {
                out.println("domain " + domain.name() + " is verified since " + time(domain.verifiedAt().get()));
                out.flush();
                return ExitCodes.OK;
            }
            DomainProof.Result result = new DomainProof(TxtRecords.at(dnsServer.resolve())).check(domain);
            if (!result.proven()) {
                throw new CommandFailure(DomainProof.notVerified(domain, result));
            }
            store.domains().markVerified(domain.name());
            out.println("verified domain " + domain.name() + ": account " + domain.account() + " may bind "
                    + (domain.wildcard() ? "the names one label below " + domain.name().substring(2) : "it"));
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "List domains by name. Times are UTC.")
    static final class ListDomains extends StoreCommand {
        @Option(names = "--account", paramLabel = "ACCOUNT", description = "Only this account's domains.")
        String account;

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            List<Domain> domains = account == null ? store.domains().list() : store.domains().list(account);
            if (domains.isEmpty()) {
                err.println("no domains" + (account == null ? "" : " of account " + account) + " yet; add one with:"
                        + " burrow edge domain add DOMAIN --account ACCOUNT");
                err.flush();
                return ExitCodes.OK;
            }
            Table table = new Table("DOMAIN", "ACCOUNT", "STATUS", "CREATED", "VERIFIED");
            for (Domain domain : domains) {
                table.add(domain.name(), domain.account(), domain.verified() ? "verified" : "awaiting TXT record",
                        time(domain.createdAt()), domain.verifiedAt().map(StoreCommand::time).orElse("not yet"));
            }
            table.print(out);
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "Take the domain from its account: its names can no longer be bound (tunnels holding one"
                    + " keep it until they unbind). The domain may then be added again, to any account, with a new"
                    + " challenge.")
    static final class Remove extends StoreCommand {
        @Parameters(paramLabel = "DOMAIN")
        String name;

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) {
            if (!store.domains().remove(name)) {
                throw new CommandFailure("no domain '" + name + "'");
            }
            out.println("removed domain " + name.toLowerCase(Locale.ROOT));
            out.flush();
            return ExitCodes.OK;
        }
    }
}
