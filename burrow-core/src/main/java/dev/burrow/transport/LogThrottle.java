package dev.burrow.transport;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counts an event that can come in floods (a refused connection, a refused certificate order) and says when to log
 * it: the first at once, then at most once per interval, each line with how many came since the last, so that a
 * flood of events does not become a flood of log lines and none goes uncounted. Thread-safe.
 */
public final class LogThrottle {
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
    private final AtomicInteger sinceLogged = new AtomicInteger();

    public LogThrottle(Duration interval, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Counts one event. Returns how many to report if a line is due now (this one included), else 0. */
    public int count() {
        int since = sinceLogged.incrementAndGet();
        long now = nanoClock.getAsLong();
        long last = lastLogged.get();
        if (last != Long.MIN_VALUE && now - last < intervalNanos || !lastLogged.compareAndSet(last, now)) {
            return 0;
        }
        sinceLogged.addAndGet(-since);
        return since;
    }
}
