package dev.burrow.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The dashboard's sessions on a clock the test moves: idle and total time limits, logout, and the bound. */
class OperatorSessionsTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final OperatorSessions sessions = new OperatorSessions(now::get);

    private void pass(Duration time) {
        now.addAndGet(time.toNanos());
    }

    @Test
    void aSessionIsKnownByItsCookieWithAFreshCsrfTokenAndActorName() {
        OperatorSessions.Opened one = sessions.open();
        OperatorSessions.Opened two = sessions.open();

        assertThat(one.id()).matches("[0-9a-f]{64}").isNotEqualTo(two.id());
        assertThat(sessions.find(one.id())).isSameAs(one.session());
        assertThat(one.session().csrf()).isNotEqualTo(two.session().csrf());
        assertThat(one.session().actor()).matches("admin-session:[0-9a-f]{8}")
                .doesNotContain(one.id().substring(0, 8));
        assertThat(one.session().csrfMatches(one.session().csrf())).isTrue();
        assertThat(one.session().csrfMatches(two.session().csrf())).isFalse();
        assertThat(one.session().csrfMatches(null)).isFalse();
        assertThat(sessions.find("0".repeat(64))).isNull();
        assertThat(sessions.find(null)).isNull();
    }

    @Test
    void aSessionEndsAfterHalfAnHourIdleButUseKeepsItGoing() {
        OperatorSessions.Opened used = sessions.open();
        OperatorSessions.Opened idle = sessions.open();

        pass(OperatorSessions.IDLE.minusMinutes(1));
        assertThat(sessions.find(used.id())).isNotNull();
        pass(Duration.ofMinutes(1));

        assertThat(sessions.find(idle.id())).isNull();
        assertThat(sessions.find(used.id())).isNotNull();
    }

    @Test
    void aSessionEndsTwelveHoursAfterItBeganHoweverMuchItIsUsed() {
        OperatorSessions.Opened opened = sessions.open();
        for (long passed = 0; passed < OperatorSessions.LIFETIME.toMinutes() - 20; passed += 20) {
            pass(Duration.ofMinutes(20));
            assertThat(sessions.find(opened.id())).isNotNull();
        }

        pass(Duration.ofMinutes(20));

        assertThat(sessions.find(opened.id())).isNull();
    }

    @Test
    void anEndedSessionIsForgotten() {
        OperatorSessions.Opened opened = sessions.open();

        sessions.end(opened.session());

        assertThat(sessions.find(opened.id())).isNull();
    }

    @Test
    void beyondTheBoundALoginEndsTheSessionUsedLeastRecently() {
        List<OperatorSessions.Opened> opened = new ArrayList<>();
        for (int i = 0; i < OperatorSessions.MAX; i++) {
            opened.add(sessions.open());
        }
        sessions.find(opened.get(0).id());

        OperatorSessions.Opened more = sessions.open();

        assertThat(sessions.find(more.id())).isNotNull();
        assertThat(sessions.find(opened.get(1).id())).isNull();
        assertThat(sessions.find(opened.get(0).id())).isNotNull();
        assertThat(opened.subList(2, opened.size())).allSatisfy(o -> assertThat(sessions.find(o.id())).isNotNull());
    }
}
