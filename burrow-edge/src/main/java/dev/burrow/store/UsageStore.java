package dev.burrow.store;

import java.util.Collection;
import java.util.List;

/** Accounts' usage by month. Deleting an account deletes its usage. */
public interface UsageStore {

    /** Adds each of {@code deltas} to what its account used in its month, in one transaction. */
    void add(Collection<Usage> deltas);

    /** What the account used in {@code period}, zero if nothing was recorded. */
    Usage of(String account, String period);

    /** Every account's usage in {@code period}, by account. */
    List<Usage> in(String period);
}
