package dev.burrow.edge.acme;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Bounds the certificate orders the edge starts, so that many new names at once cannot spend the CA's limits: a token
 * bucket holding {@code perHour} orders, refilled evenly over the hour, and at most {@code concurrent} orders in
 * flight. Time comes from {@code clock} (nanoseconds), so tests need not wait an hour.
 */
final class IssuanceLimiter {
    /** Why an order may or may not start now. */
    enum Outcome { STARTED, RATE_LIMITED, TOO_MANY_IN_FLIGHT }

    private final int capacity;
    private final int maxInFlight;
    private final long nanosPerToken;
    private final LongSupplier clock;
    private int tokens;
    private long refilledAt;
    private int inFlight;

    IssuanceLimiter(int perHour, int concurrent, LongSupplier clock) {
        this.capacity = perHour;
        this.maxInFlight = concurrent;
        this.nanosPerToken = Duration.ofHours(1).toNanos() / perHour;
        this.clock = clock;
        this.tokens = perHour;
        this.refilledAt = clock.getAsLong();
    }

    /** Takes one order's worth of the limits if both allow it; {@link #finished()} must follow a start. */
    synchronized Outcome tryStart() {
        if (inFlight >= maxInFlight) {
            return Outcome.TOO_MANY_IN_FLIGHT;
        }
        refill();
        if (tokens == 0) {
            return Outcome.RATE_LIMITED;
        }
        tokens--;
        inFlight++;
        return Outcome.STARTED;
    }

    synchronized void finished() {
        inFlight--;
    }

    private void refill() {
        long now = clock.getAsLong();
        long earned = (now - refilledAt) / nanosPerToken;
        if (earned <= 0) {
            return;
        }
        if (tokens + earned >= capacity) {
            tokens = capacity;
            refilledAt = now;
        } else {
            tokens += (int) earned;
            refilledAt += earned * nanosPerToken;
        }
    }

    int perHour() {
        return capacity;
    }

    int concurrent() {
        return maxInFlight;
    }
}
