package dev.burrow.edge.policy.action;

/**
 * Counts events over a sliding window of {@code length} nanoseconds, approximated with two fixed windows: the count
 * of the fixed window now running, plus the previous one's count weighted by how much of it the sliding window
 * still covers. The approximation rather than an exact ring of timestamps because it is three numbers whatever the
 * count, where a ring keeps one timestamp per event (a million per key at the largest capacity); the price is that
 * the previous window's events are taken as spread evenly over it. Fixed windows start at multiples of
 * {@code length} on the clock. Not thread-safe: its owner locks.
 */
final class SlidingWindow {
    private final long length;
    private long index;
    private long previous;
    private long current;

    SlidingWindow(long length, long now) {
        this.length = length;
        this.index = Math.floorDiv(now, length);
    }

    /** The events of the sliding window that ends {@code now}. */
    double count(long now) {
        roll(now);
        return current + previous * (double) (length - Math.floorMod(now, length)) / length;
    }

    void add(long now) {
        roll(now);
        current++;
    }

    /**
     * Nanoseconds from {@code now} until one more event keeps the count at most {@code limit} (at least 1), with no
     * event added meanwhile: the previous window's weight fades through the current one, and a full current window
     * weighs as the previous one in the next.
     */
    long nanosUntilRoom(long now, long limit) {
        roll(now);
        long elapsed = Math.floorMod(now, length);
        double room = limit - 1 - current;
        if (room >= 0) {
            if (previous == 0) {
                return 0;
            }
            double fits = length - room * length / previous;
            return Math.max(0, (long) Math.ceil(fits - elapsed));
        }
        double fitsInNext = length - (limit - 1) * (double) length / current;
        return length - elapsed + (long) Math.ceil(Math.max(0, fitsInNext));
    }

    private void roll(long now) {
        long at = Math.floorDiv(now, length);
        if (at != index) {
            previous = at == index + 1 ? current : 0;
            current = 0;
            index = at;
        }
    }
}
