package dev.burrow.edge;

import dev.burrow.store.Account;
import dev.burrow.store.Store;
import dev.burrow.store.ReservedName;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's copy of what the store says about accounts that binds and requests need at once: each account's plan
 * and the names accounts reserved. Read again every {@link LiveTokenCheck#INTERVAL} on the store's thread, so the
 * request path asks a map, not the database, and a change made by a command in another process counts within a
 * second. Reserved names are kept relative to the edge's domain.
 */
final class AccountDirectory implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(AccountDirectory.class);

    /** One reading of the store. */
    private record Snapshot(Map<String, String> planByAccount, Map<String, String> accountByName) {
    }

    private final Store store;
    private final String domainSuffix;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());
    private boolean failing;

    AccountDirectory(Store store, String domain) {
        this.store = store;
        this.domainSuffix = "." + domain;
    }

    @Override
    public void run() {
        Map<String, String> plans = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        try {
            for (Account account : store.accounts().list()) {
                plans.put(account.name(), account.plan());
            }
            for (ReservedName name : store.names().list()) {
                names.put(name.name(), name.account());
            }
        } catch (RuntimeException e) {
            // The last copy stays in force: an outage of the store must not free reserved names or lift limits.
            if (!failing) {
                log.atWarn().log("could not read accounts and reserved names: {}", e.getMessage());
                failing = true;
            }
            return;
        }
        failing = false;
        snapshot = new Snapshot(Map.copyOf(plans), Map.copyOf(names));
    }

    /**
     * Reads the store again now if this copy has not seen {@code account} yet, so that the first session of an
     * account made a moment ago is held to its own plan from its first request. Call on the store's thread.
     */
    void know(String account) {
        if (planOf(account) == null) {
            run();
        }
    }

    /** The name of the account's plan, or null if the edge has not seen the account yet. */
    String planOf(String account) {
        return snapshot.planByAccount().get(account);
    }

    /** The account that reserved {@code hostname}, or null if it is not under the edge's domain or not reserved. */
    String reservedFor(String hostname) {
        if (!hostname.endsWith(domainSuffix)) {
            return null;
        }
        return snapshot.accountByName().get(hostname.substring(0, hostname.length() - domainSuffix.length()));
    }
}
