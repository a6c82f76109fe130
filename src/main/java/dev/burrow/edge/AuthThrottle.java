package dev.burrow.edge;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Slows down token guessing: after {@code limit} failed authentications from one address within {@code window},
 * that address is refused without a look-up until the window ends.
 */
final class AuthThrottle {
    private record Failures(long windowStartNanos, int count) {
    }

    private static final int MAX_TRACKED = 100_000;
    private final int limit;
    private final long windowNanos;
    private final LongSupplier clock;
    private final ConcurrentMap<InetAddress, Failures> failures = new ConcurrentHashMap<>();

    AuthThrottle(int limit, Duration window, LongSupplier clock) {
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.clock = clock;
    }

    /** @return how long the address must wait, or zero if it may try now */
    Duration retryAfter(InetAddress address) {
        Failures f = failures.get(address);
        if (f == null || f.count < limit) {
            return Duration.ZERO;
        }
        long left = f.windowStartNanos + windowNanos - clock.getAsLong();
        if (left <= 0) {
            failures.remove(address, f);
            return Duration.ZERO;
        }
        return Duration.ofNanos(left);
    }

    void failed(InetAddress address) {
        if (failures.size() >= MAX_TRACKED) {
            // A flood from many addresses must not grow memory without bound; forgetting is the safe side.
            failures.clear();
        }
        long now = clock.getAsLong();
        failures.merge(address, new Failures(now, 1), (old, one) ->
                now - old.windowStartNanos > windowNanos ? one : new Failures(old.windowStartNanos, old.count + 1));
    }

    void succeeded(InetAddress address) {
        failures.remove(address);
    }
}
