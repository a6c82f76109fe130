package dev.burrow.edge;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed authentications per key (a client address, a token id), for {@link AuthThrottle}. Each key is a leaky
 * bucket: a failure adds {@code window / limit} to what the key owes, and what it owes drains as the clock runs; a
 * key has room for one more failure while that failure would leave it owing no more than {@code window}. So a key
 * may fail {@code limit} times at once, then once each {@code window / limit}.
 *
 * <p>At most {@code capacity} keys are kept, in two least-recently-used lists: keys that have room (most of them
 * failed once: a typo, one address of a spray) and keys that ran out of room (the offenders). A new key pushes out
 * an offender that owes nothing any more, else the least recent key with room, and an offender still owing only when
 * no key with room is left. A spray of single failures from many addresses thus churns through the first list and
 * never wipes a lockout; only more offenders than {@code capacity} push the least recent ones out.
 *
 * <p>Not thread-safe: {@link AuthThrottle} calls it under its lock.
 */
final class FailureLedger<K> {
    /** The time, on the throttle's clock, at which a key owes nothing. */
    private static final class Debt {
        long clearAt;

        Debt(long now) {
            clearAt = now;
        }

        long owed(long now) {
            return Math.max(0, clearAt - now);
        }
    }

    private final long cost;
    private final long allowance;
    private final int capacity;
    // Access order: a key that fails or is asked about moves to the end, so the first key is the least recent.
    private final LinkedHashMap<K, Debt> withRoom = new LinkedHashMap<>(16, 0.75f, true);
    private final LinkedHashMap<K, Debt> overLimit = new LinkedHashMap<>(16, 0.75f, true);

    FailureLedger(int limit, Duration window, int capacity) {
        this.allowance = window.toNanos();
        this.cost = allowance / limit;
        this.capacity = capacity;
    }

    /** How long until {@code key} has room for one more failure: zero if it has room now. */
    long nanosUntilRoom(K key, long now) {
        Debt debt = find(key);
        return debt == null ? 0 : Math.max(0, debt.owed(now) + cost - allowance);
    }

    /** Counts one failure against {@code key}. */
    void charge(K key, long now) {
        Debt debt = find(key);
        if (debt == null) {
            makeRoomForOne(now);
            debt = new Debt(now);
            withRoom.put(key, debt);
        }
        debt.clearAt = now + debt.owed(now) + cost;
        if (debt.owed(now) + cost > allowance && withRoom.remove(key) != null) {
            overLimit.put(key, debt);
        }
    }

    /** Takes back one failure charged to {@code key}, if the key is still kept. */
    void refund(K key) {
        Debt debt = find(key);
        if (debt != null) {
            debt.clearAt -= cost;
        }
    }

    int size() {
        return withRoom.size() + overLimit.size();
    }

    private Debt find(K key) {
        Debt debt = withRoom.get(key);
        return debt != null ? debt : overLimit.get(key);
    }

    private void makeRoomForOne(long now) {
        if (size() < capacity) {
            return;
        }
        if (!overLimit.isEmpty() && overLimit.values().iterator().next().owed(now) == 0) {
            removeFirst(overLimit);
        } else if (!withRoom.isEmpty()) {
            removeFirst(withRoom);
        } else {
            removeFirst(overLimit);
        }
    }

    private static <K> void removeFirst(Map<K, Debt> keys) {
        Iterator<Debt> first = keys.values().iterator();
        first.next();
        first.remove();
    }
}
