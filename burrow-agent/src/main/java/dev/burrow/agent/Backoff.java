package dev.burrow.agent;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter (each delay uniform in [0, min(cap, base * 2^n)]), so that agents cut off
 * together by an edge restart do not all return in the same instant. The random source is injected for tests.
 */
public final class Backoff {
    private final long baseMillis;
    private final long capMillis;
    private final DoubleSupplier random;
    private int attempt;

    public Backoff(Duration base, Duration cap, DoubleSupplier random) {
        this.baseMillis = base.toMillis();
        this.capMillis = cap.toMillis();
        this.random = random;
    }

    /** The delay before the next attempt; each call counts one more failure. */
    public Duration next() {
        long ceiling = Math.min(capMillis, baseMillis << Math.min(attempt, 30));
        attempt++;
        return jittered(ceiling);
    }

    /**
     * A delay drawn like the first step's, counting one more failure without growing the next: for an edge that
     * said it is restarting, which is expected to listen again within moments.
     */
    public Duration firstStep() {
        attempt++;
        return jittered(Math.min(capMillis, baseMillis));
    }

    private Duration jittered(long ceiling) {
        // A floor of a tenth of the base keeps a reconnect storm from hitting the edge at zero delay.
        return Duration.ofMillis(Math.max(baseMillis / 10, (long) (random.getAsDouble() * ceiling)));
    }

    /** Failures so far since the last {@link #reset()}. */
    public int attempts() {
        return attempt;
    }

    public void reset() {
        attempt = 0;
    }
}
