package dev.burrow.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration CAP = Duration.ofSeconds(1);

    private static List<Long> delays(Backoff backoff, int count) {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            millis.add(backoff.next().toMillis());
        }
        return millis;
    }

    @Test
    void withTheHighestRandomDelaysDoubleUpToTheCap() {
        Backoff backoff = new Backoff(BASE, CAP, () -> 1.0);

        assertThat(delays(backoff, 7)).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L, 1000L);
    }

    @Test
    void jitterScalesTheCeiling() {
        Backoff backoff = new Backoff(BASE, CAP, () -> 0.5);

        assertThat(delays(backoff, 6)).containsExactly(50L, 100L, 200L, 400L, 500L, 500L);
    }

    @Test
    void neverBelowATenthOfTheBase() {
        Backoff backoff = new Backoff(BASE, CAP, () -> 0.0);

        assertThat(delays(backoff, 5)).containsOnly(10L);
    }

    @Test
    void countsAttemptsAndResetStartsOver() {
        Backoff backoff = new Backoff(BASE, CAP, () -> 1.0);
        delays(backoff, 4);
        assertThat(backoff.attempts()).isEqualTo(4);

        backoff.reset();

        assertThat(backoff.attempts()).isZero();
        assertThat(backoff.next()).isEqualTo(BASE);
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void manyFailuresStayAtTheCapWithoutOverflow() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), () -> 1.0);

        List<Long> millis = delays(backoff, 200);

        assertThat(millis.subList(10, 200)).containsOnly(Duration.ofMinutes(5).toMillis());
    }

    @Test
    void firstStepsStayAtTheFirstStepAndCountAsAttempts() {
        Backoff backoff = new Backoff(BASE, CAP, () -> 1.0);

        assertThat(List.of(backoff.firstStep().toMillis(), backoff.firstStep().toMillis(),
                backoff.firstStep().toMillis())).containsOnly(100L);
        assertThat(backoff.attempts()).isEqualTo(3);
        assertThat(backoff.next().toMillis()).isEqualTo(800L);
    }
}
