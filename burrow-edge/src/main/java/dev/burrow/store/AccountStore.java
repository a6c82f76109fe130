package dev.burrow.store;

import java.util.List;
import java.util.Optional;

/** Accounts. Disabling one makes its tokens fail verification; deleting one deletes its tokens and domains too. */
public interface AccountStore {

    /** The account tokens created without one belong to; made on first use. */
    String DEFAULT = "default";

    /**
     * @throws StoreException if an account has this name
     * @throws IllegalArgumentException if the name is not a valid account name (see {@link #requireValidName})
     */
    Account create(String name, String plan);

    Optional<Account> find(String name);

    /** All accounts, oldest first. */
    List<Account> list();

    /**
     * Puts the account on {@code plan}; the edge holds it to that plan's limits, or to {@code free}'s if it defines
     * no such plan.
     *
     * @return false if no account has this name
     * @throws IllegalArgumentException if the name is not a valid account name, or the plan is blank
     */
    boolean setPlan(String name, String plan);

    /** @return false if no enabled account has this name */
    boolean disable(String name);

    /** @return false if no disabled account has this name */
    boolean enable(String name);

    /**
     * Deletes the account and everything it owns.
     *
     * @return false if no account has this name
     */
    boolean delete(String name);

    /** 1 to 64 of {@code [a-z0-9-]}, starting with a letter or digit: safe in URLs, logs and file names. */
    static void requireValidName(String name) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw new IllegalArgumentException("account name '" + name + "' must be 1 to 64 of a-z, 0-9 and '-',"
                    + " starting with a letter or digit");
        }
    }
}
