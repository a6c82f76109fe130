package dev.burrow.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(1), now::get);

    @Test
    void theFirstEventIsLoggedAtOnceAndTheRestOncePerIntervalWithTheirCount() {
        assertThat(throttle.count()).isEqualTo(1);
        assertThat(throttle.count()).isZero();
        assertThat(throttle.count()).isZero();

        now.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(throttle.count()).isZero();
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(throttle.count()).as("the three held back since the last line, and this one").isEqualTo(4);
        assertThat(throttle.count()).isZero();
    }

    @Test
    void anEventAfterALongQuietIsLoggedAloneAtOnce() {
        assertThat(throttle.count()).isEqualTo(1);
        now.addAndGet(Duration.ofHours(1).toNanos());
        assertThat(throttle.count()).isEqualTo(1);
    }
}
