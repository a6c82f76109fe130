package dev.burrow.edge;

import dev.burrow.edge.domain.DomainProof;
import dev.burrow.store.Domain;
import dev.burrow.store.DomainStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the domains whose TXT record appeared since they were added, so that nobody has to run
 * {@code burrow edge domain verify}: each run looks up the record of every domain not verified yet and marks those
 * found. A verified domain is not looked at again: it stays verified. Runs on a thread of its own, since a look-up
 * may wait seconds for DNS and the store's thread authenticates agents.
 */
final class PendingDomainCheck implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(PendingDomainCheck.class);

    private final DomainStore domains;
    private final DomainProof proof;
    private boolean failing;

    PendingDomainCheck(DomainStore domains, DomainProof proof) {
        this.domains = domains;
        this.proof = proof;
    }

    @Override
    public void run() {
        String failure = null;
        try {
            for (Domain domain : domains.unverified()) {
                DomainProof.Result result = proof.check(domain);
                if (result.proven()) {
                    domains.markVerified(domain.name());
                    log.atInfo().addKeyValue("domain", domain.name()).addKeyValue("account", domain.account())
                            .log("domain verified: {}", result.reason());
                } else if (result.outcome() == DomainProof.Outcome.DNS_FAILED) {
                    failure = result.reason();
                } else {
                    log.atDebug().addKeyValue("domain", domain.name()).log("domain not verified yet: {}",
                            result.reason());
                }
            }
        } catch (RuntimeException e) {
            // Thrown out of a scheduled task it would cancel every later run: the store may be back next time.
            failure = "the store failed: " + e.getMessage();
        }
        // Said once per outage, not every run.
        if (failure != null && !failing) {
            log.warn("could not check domains awaiting their TXT record: {}", failure);
        } else if (failure == null && failing) {
            log.info("checking domains awaiting their TXT record again");
        }
        failing = failure != null;
    }
}
