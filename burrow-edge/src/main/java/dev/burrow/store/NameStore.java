package dev.burrow.store;

import java.util.List;
import java.util.Locale;

/** Names reserved for accounts. Deleting an account releases its names. */
public interface NameStore {
    /** One or more DNS labels. */
    String LABELS = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*";

    /**
     * Reserves {@code name} for {@code account}; reserving a name the account holds already changes nothing.
     *
     * @throws StoreException if the account does not exist, or another account holds the name
     * @throws IllegalArgumentException if the name is not one or more DNS labels
     */
    ReservedName reserve(String name, String account);

    /** @return false if the name was not reserved */
    boolean release(String name);

    /** Every reservation, by name. */
    List<ReservedName> list();

    /**
     * A reserved name as it is kept: lower case, without a trailing dot; one or more labels of 1 to 63 of
     * {@code a-z0-9-}, not starting or ending with '-'.
     */
    static String normalize(String name) {
        String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        if (lower.length() > 253 || !lower.matches(LABELS)) {
            throw new IllegalArgumentException("'" + name + "' is not a name: one or more DNS labels, such as api"
                    + " or v2.api");
        }
        return lower;
    }
}
