package dev.burrow.edge.policy.action;

import static dev.burrow.edge.policy.action.ActionFixtures.SECOND;
import static dev.burrow.edge.policy.action.ActionFixtures.config;
import static dev.burrow.edge.policy.action.ActionFixtures.decide;
import static dev.burrow.edge.policy.action.ActionFixtures.get;
import static dev.burrow.edge.policy.action.ActionFixtures.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.policy.ResponseObserver;
import dev.burrow.edge.policy.TestPolicies;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.Protocol;
import io.netty.handler.codec.http.FullHttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** circuit-breaker over requests made in memory, their answers told by the test, its clock the test's. */
class CircuitBreakerTest {
    private final AtomicLong now = new AtomicLong();
    private TrafficPolicy policy;

    private void breaker(String yaml) throws PolicyException {
        policy = TestPolicies.onRequest(new CircuitBreaker(config("circuit-breaker", yaml), now::get));
    }

    /** A request let through: what to tell its answer to. Fails the test when the breaker answered it. */
    private ResponseObserver through() {
        List<ResponseObserver> observed = new ArrayList<>();
        FullHttpResponse answer = decide(policy, get("/"), observed::add);
        if (answer != null) {
            answer.release();
            throw new AssertionError("the breaker answered " + answer.status());
        }
        assertThat(observed).hasSize(1);
        return observed.get(0);
    }

    /** The breaker's answer to a request, released; null when it let the request through. */
    private FullHttpResponse refused() {
        List<ResponseObserver> observed = new ArrayList<>();
        FullHttpResponse answer = decide(policy, get("/"), observed::add);
        if (answer != null) {
            answer.release();
            assertThat(observed).as("a request answered at the edge is not observed").isEmpty();
        }
        return answer;
    }

    private void answers(int status, int times) {
        for (int i = 0; i < times; i++) {
            through().answered(status);
        }
    }

    @Test
    void refusalsNameTheLine() {
        String head = "on_http_request:\n  - actions:\n      - type: circuit-breaker\n        config:\n";
        assertThat(problem(head + "          error_threshold: 1.5\n"))
                .startsWith("line 3: action 'circuit-breaker': 'error_threshold' must be between 0.0 and 1.0");
        assertThat(problem(head + "          volume_threshold: 0\n")).contains("'volume_threshold' must be between");
        assertThat(problem(head + "          window_duration: 0s\n"))
                .contains("'window_duration' must be from 1s to 1h, not 0s");
        assertThat(problem(head + "          tripped_duration: later\n")).contains("is not a duration");
        assertThat(problem(head + "          enabled: \"yes\"\n")).contains("'enabled' must be true or false");
        assertThat(problem(head + "          threshold: 3\n")).contains("unknown config key 'threshold'");
    }

    @Test
    void opensAtTheRatioOnlyOnceTheVolumeIsReached() throws PolicyException {
        breaker("{volume_threshold: 4, error_threshold: 0.5, window_duration: 10s, tripped_duration: 30s}");

        answers(500, 3);
        ResponseObserver fourth = through();
        assertThat(refused()).as("three failures are under the volume").isNull();
        fourth.answered(500);

        FullHttpResponse open = refused();
        assertThat(open.status().code()).isEqualTo(503);
        assertThat(open.headers().get(Protocol.AGENT_ERROR)).isEqualTo("policy_circuit_open");
        assertThat(open.headers().get("Retry-After")).isEqualTo("30");
        now.addAndGet(10 * SECOND);
        assertThat(refused().headers().get("Retry-After")).isEqualTo("20");
    }

    @Test
    void staysClosedUnderTheRatio() throws PolicyException {
        breaker("{volume_threshold: 4, error_threshold: 0.5}");

        answers(200, 3);
        answers(500, 2);
        assertThat(refused()).as("2 of 5 failed").isNull();
        answers(200, 1);
        answers(500, 1);
        assertThat(refused()).as("3 of 7 failed").isNull();
        answers(500, 1);
        assertThat(refused()).as("4 of 8 failed").isNotNull();
    }

    @Test
    void failuresOutsideTheWindowDoNotCount() throws PolicyException {
        breaker("{volume_threshold: 2, error_threshold: 1, window_duration: 10s}");

        answers(500, 1);
        now.addAndGet(25 * SECOND);
        answers(500, 1);

        assertThat(refused()).isNull();
    }

    @Test
    void halfOpenLetsOneProbeThroughWhoseAnswerClosesOrReopens() throws PolicyException {
        breaker("{volume_threshold: 2, error_threshold: 0.5, tripped_duration: 10s}");
        ResponseObserver late = through();
        answers(502, 2);
        assertThat(refused()).isNotNull();

        now.addAndGet(10 * SECOND);
        ResponseObserver probe = through();
        assertThat(refused()).as("one probe at a time").isNotNull();
        probe.answered(504);
        assertThat(refused().headers().get("Retry-After")).as("the failed probe opened it again").isEqualTo("10");

        now.addAndGet(10 * SECOND);
        ResponseObserver lost = through();
        now.addAndGet(10 * SECOND);
        ResponseObserver next = through();
        lost.answered(200);
        assertThat(refused()).as("the answer of a probe replaced by another does not count").isNotNull();
        next.answered(200);
        late.answered(500);
        answers(500, 1);

        assertThat(refused()).as("closed with a fresh count; an answer from before does not count").isNull();
    }

    @Test
    void disabledItNeverOpens() throws PolicyException {
        breaker("{volume_threshold: 1, enabled: false}");

        List<ResponseObserver> observed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            assertThat(decide(policy, get("/"), observed::add)).isNull();
        }

        assertThat(observed).isEmpty();
    }
}
