package dev.burrow.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which keys a full ledger lets go: 2 failures at once per key, then one each 30 s, at most 3 keys. */
class FailureLedgerTest {
    private static final long PACE = Duration.ofSeconds(30).toNanos();
    private final FailureLedger<String> ledger = new FailureLedger<>(2, Duration.ofMinutes(1), 3);
    private long now = 1_000;

    private void fail(String key, int times) {
        for (int i = 0; i < times; i++) {
            ledger.charge(key, now);
        }
    }

    private boolean hasRoom(String key) {
        return ledger.nanosUntilRoom(key, now) == 0;
    }

    @Test
    void aKeyHasRoomUntilItsLimitThenOnceEachPace() {
        fail("a", 1);
        assertThat(hasRoom("a")).isTrue();
        fail("a", 1);
        assertThat(ledger.nanosUntilRoom("a", now)).isEqualTo(PACE);

        now += PACE;

        assertThat(hasRoom("a")).isTrue();
    }

    @Test
    void aRefundTakesOneFailureBack() {
        fail("a", 2);

        ledger.refund("a");

        assertThat(hasRoom("a")).isTrue();
    }

    @Test
    void aNewKeyPushesOutTheLeastRecentKeyWithRoomNotAnOffender() {
        fail("offender", 2);
        fail("once-1", 1);
        fail("once-2", 1);

        fail("once-3", 1);

        assertThat(ledger.size()).isEqualTo(3);
        assertThat(hasRoom("offender")).isFalse();
        // once-1 was let go: two more failures fit where one of them would not have.
        fail("once-1", 1);
        assertThat(hasRoom("once-1")).isTrue();
        assertThat(hasRoom("once-3")).isTrue();
    }

    @Test
    void anOffenderThatOwesNothingGoesFirst() {
        fail("offender", 2);
        now += Duration.ofMinutes(1).toNanos();
        fail("recent", 1);
        fail("newer", 1);

        fail("newest", 1);

        fail("recent", 1);
        assertThat(hasRoom("recent")).as("still counted: 2 failures").isFalse();
    }

    @Test
    void withOnlyOffendersTheLeastRecentGoes() {
        fail("first", 2);
        fail("second", 2);
        fail("third", 2);

        fail("new", 1);

        assertThat(hasRoom("first")).isTrue();
        assertThat(hasRoom("second")).isFalse();
        assertThat(hasRoom("third")).isFalse();
    }
}
