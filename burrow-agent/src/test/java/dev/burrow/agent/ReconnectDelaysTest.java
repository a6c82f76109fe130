package dev.burrow.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReconnectDelaysTest {
    private static final Duration BASE = Duration.ofMillis(100);
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final ReconnectDelays delays = new ReconnectDelays(new Backoff(BASE, Duration.ofSeconds(10), () -> 1.0),
            nanos::get);

    @Test
    void aWelcomeAfterALostConnectionStartsTheBackoffOver() {
        for (int i = 0; i < 3; i++) {
            delays.welcomed();
            delays.ended(ConnectionEnd.LOST);

            assertThat(delays.next()).isEqualTo(BASE);
        }
    }

    @Test
    void connectionsTheEdgeEndsWithAnErrorBackOffFurtherEachTimeThoughWelcomed() {
        ConnectionEnd refused = ConnectionEnd.goAway(1, "peer opened stream 2");
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            delays.welcomed();
            delays.ended(refused);
            seen.append(delays.next().toMillis()).append(' ');
        }

        assertThat(seen.toString().trim()).isEqualTo("100 200 400 800");
        assertThat(delays.attempts()).isEqualTo(4);
    }

    @Test
    void afterARestartTheFirstStepRepeatsForTheWindowThenDelaysGrow() {
        delays.welcomed();
        delays.ended(ConnectionEnd.EDGE_RESTARTING);

        assertThat(delays.next()).isEqualTo(BASE);
        assertThat(delays.next()).isEqualTo(BASE);
        nanos.addAndGet(ReconnectDelays.RESTART_WINDOW.toNanos());

        assertThat(delays.next()).isEqualTo(BASE.multipliedBy(4));
    }
}
