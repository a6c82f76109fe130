package dev.burrow.edge;

import dev.burrow.store.Domain;
import dev.burrow.store.DomainStore;
import java.util.List;
import java.util.Optional;

/**
 * Who may bind a hostname outside the edge's domain: an account whose verified domain covers it, the name itself
 * or the wildcard one label above it. Asks the store at every such bind instead of keeping a copy, so that a domain
 * verified, removed or deleted with its account by a command counts at the next bind; binds are rare next to
 * requests, and the question is two look-ups by key.
 */
final class DomainOwnership {
    private final DomainStore domains;
    private final String edgeDomain;

    DomainOwnership(DomainStore domains, String edgeDomain) {
        this.domains = domains;
        this.edgeDomain = edgeDomain;
    }

    /** Null if {@code account} may bind {@code hostname}, else why not. Blocks on the store. */
    String refusal(String account, String hostname) {
        List<Domain> own = Domain.coveringNames(hostname).stream().map(domains::find).flatMap(Optional::stream)
                .filter(domain -> domain.account().equals(account)).toList();
        if (own.stream().anyMatch(Domain::verified)) {
            return null;
        }
        if (!own.isEmpty()) {
            Domain pending = own.get(0);
            return "hostname '" + hostname + "' is under domain " + pending.name() + ", which awaits its TXT record "
                    + pending.recordName() + " holding \"" + pending.recordValue() + "\"";
        }
        return "hostname '" + hostname + "' is not under this edge's domain " + edgeDomain
                + ", and no verified domain of your account covers it";
    }
}
