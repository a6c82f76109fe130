package dev.burrow.edge.acme;

import static dev.burrow.edge.acme.IssuanceLimiter.Outcome.RATE_LIMITED;
import static dev.burrow.edge.acme.IssuanceLimiter.Outcome.STARTED;
import static dev.burrow.edge.acme.IssuanceLimiter.Outcome.TOO_MANY_IN_FLIGHT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IssuanceLimiterTest {
    private final AtomicLong nanos = new AtomicLong(7_000_000_000L);

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    private static void startAndFinish(IssuanceLimiter limiter, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(limiter.tryStart()).isEqualTo(STARTED);
            limiter.finished();
        }
    }

    @Test
    void aBurstSpendsTheHourlyAllowanceThenIsRefused() {
        IssuanceLimiter limiter = new IssuanceLimiter(6, 10, nanos::get);

        startAndFinish(limiter, 6);

        assertThat(limiter.tryStart()).isEqualTo(RATE_LIMITED);
    }

    @Test
    void oneOrderComesBackPerHourDividedByTheRate() {
        IssuanceLimiter limiter = new IssuanceLimiter(6, 10, nanos::get);
        startAndFinish(limiter, 6);

        advance(Duration.ofMinutes(9));
        assertThat(limiter.tryStart()).isEqualTo(RATE_LIMITED);
        advance(Duration.ofMinutes(1));
        startAndFinish(limiter, 1);
        assertThat(limiter.tryStart()).isEqualTo(RATE_LIMITED);
    }

    @Test
    void aQuietDayRefillsNoMoreThanOneHoursWorth() {
        IssuanceLimiter limiter = new IssuanceLimiter(3, 10, nanos::get);
        startAndFinish(limiter, 3);

        advance(Duration.ofDays(1));

        startAndFinish(limiter, 3);
        assertThat(limiter.tryStart()).isEqualTo(RATE_LIMITED);
    }

    @Test
    void ordersInFlightAreCappedUntilOneFinishes() {
        IssuanceLimiter limiter = new IssuanceLimiter(10, 2, nanos::get);
        assertThat(limiter.tryStart()).isEqualTo(STARTED);
        assertThat(limiter.tryStart()).isEqualTo(STARTED);

        assertThat(limiter.tryStart()).isEqualTo(TOO_MANY_IN_FLIGHT);
        limiter.finished();
        assertThat(limiter.tryStart()).isEqualTo(STARTED);
    }

    @Test
    void anOrderRefusedForConcurrencyCostsNothing() {
        IssuanceLimiter limiter = new IssuanceLimiter(2, 1, nanos::get);
        assertThat(limiter.tryStart()).isEqualTo(STARTED);
        assertThat(limiter.tryStart()).isEqualTo(TOO_MANY_IN_FLIGHT);
        limiter.finished();

        startAndFinish(limiter, 1);
        assertThat(limiter.tryStart()).isEqualTo(RATE_LIMITED);
    }
}
