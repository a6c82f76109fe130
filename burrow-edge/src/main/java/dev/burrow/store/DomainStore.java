package dev.burrow.store;

import java.util.List;
import java.util.Optional;

/**
 * Domains outside the edge's own, each held by one account, which may bind names under it once DNS proved it owns
 * it. Deleting an account deletes its domains.
 */
public interface DomainStore {

    /**
     * Adds {@code name} to {@code account}, unverified, with a new random challenge.
     *
     * @throws StoreException if the account does not exist, or some account holds the domain already
     * @throws IllegalArgumentException if the name is not a domain (see {@link #requireValidName})
     */
    Domain add(String account, String name);

    Optional<Domain> find(String name);

    /** Every domain, by name. */
    List<Domain> list();

    /** The domains of {@code account}, by name. */
    List<Domain> list(String account);

    /** Domains awaiting their TXT record, oldest first. */
    List<Domain> unverified();

    /**
     * Records that the domain's TXT record was seen; a verified domain stays verified.
     *
     * @return false if no unverified domain has this name
     */
    boolean markVerified(String name);

    /** @return false if no domain has this name */
    boolean remove(String name);

    /**
     * A hostname of at least two labels, alone or after {@code *.}: lower case, each label 1 to 63 of
     * {@code [a-z0-9-]} not starting or ending with '-', 253 characters at most.
     */
    static void requireValidName(String name) {
        String label = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
        if (name == null || name.length() > 253 || !name.matches("(\\*\\.)?" + label + "(\\." + label + ")+")) {
            throw new IllegalArgumentException("'" + name + "' is not a domain: give a hostname such as"
                    + " app.example.com, or *.example.com for the names one label below it");
        }
    }
}
