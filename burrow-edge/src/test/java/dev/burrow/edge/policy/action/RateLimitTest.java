package dev.burrow.edge.policy.action;

import static dev.burrow.edge.policy.action.ActionFixtures.SECOND;
import static dev.burrow.edge.policy.action.ActionFixtures.config;
import static dev.burrow.edge.policy.action.ActionFixtures.decide;
import static dev.burrow.edge.policy.action.ActionFixtures.get;
import static dev.burrow.edge.policy.action.ActionFixtures.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.burrow.edge.policy.PolicyEvaluationException;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.policy.TestPolicies;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.Protocol;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** rate-limit over requests made in memory, its clock the test's. */
class RateLimitTest {
    private final AtomicLong now = new AtomicLong();

    private TrafficPolicy limit(String yaml, int maxKeys) throws PolicyException {
        return TestPolicies.onRequest(new RateLimit(config("rate-limit", yaml), now::get, maxKeys));
    }

    /** The status the request got, 0 when it was let through; the answer is released. */
    private static int status(TrafficPolicy policy, HttpRequest request) {
        FullHttpResponse answer = decide(policy, request, TestPolicies.UNOBSERVED);
        if (answer == null) {
            return 0;
        }
        answer.release();
        return answer.status().code();
    }

    private static HttpRequest keyed(String key) {
        HttpRequest request = get("/");
        request.headers().set("X-Api-Key", key);
        return request;
    }

    @Test
    void refusalsNameTheLine() {
        String head = "on_http_request:\n  - actions:\n      - type: rate-limit\n        config:\n";
        assertThat(problem(head + "          rate: 60s\n"))
                .startsWith("line 3: action 'rate-limit': config needs 'capacity'");
        assertThat(problem(head + "          capacity: 0\n          rate: 60s\n"))
                .contains("'capacity' must be between 1 and 1000000, not 0");
        assertThat(problem(head + "          capacity: 3\n")).contains("config needs 'rate'");
        assertThat(problem(head + "          capacity: 3\n          rate: 500ms\n"))
                .contains("'rate' must be from 1s to 24h, not 500ms");
        assertThat(problem(head + "          capacity: 3\n          rate: 25h\n")).contains("not 25h");
        assertThat(problem(head + "          capacity: 3\n          rate: soon\n"))
                .contains("'rate': 'soon' is not a duration");
        assertThat(problem(head + "          capacity: 3\n          rate: 1m\n          algorithm: fixed_window\n"))
                .contains("'algorithm' must be sliding_window");
        assertThat(problem(head + "          capacity: 3\n          rate: 1m\n"
                + "          bucket_key: [\"req.method == 'GET'\"]\n"))
                .startsWith("line 3: expression 'req.method == 'GET'' must be a string, not bool");
        assertThat(problem(head + "          capacity: 3\n          rate: 1m\n          burst: 5\n"))
                .contains("unknown config key 'burst'");
        assertThat(problem("on_http_response:\n  - actions: [{type: rate-limit, config: {capacity: 1, rate: 1s}}]\n"))
                .contains("cannot run in on_http_response");
    }

    @Test
    void capacityPerWindowThenRetryAfterTheSecondsUntilASlotFrees() throws PolicyException {
        TrafficPolicy policy = limit("{capacity: 3, rate: 60s}", RateLimit.MAX_KEYS);
        now.set(30 * SECOND);

        assertThat(List.of(status(policy, get("/")), status(policy, get("/")), status(policy, get("/"))))
                .containsOnly(0);
        FullHttpResponse refused = decide(policy, get("/"), TestPolicies.UNOBSERVED);
        try {
            assertThat(refused.status().code()).isEqualTo(429);
            assertThat(refused.headers().get(Protocol.AGENT_ERROR)).isEqualTo("policy_rate_limited");
            // The three requests of [0s, 60s) weigh 3 * (60 - e) / 60 at e seconds into [60s, 120s): 2, room for
            // one more, at 80s.
            assertThat(refused.headers().get("Retry-After")).isEqualTo("50");
        } finally {
            refused.release();
        }
    }

    @Test
    void theWindowSlidesAcrossTheBoundaryRatherThanResetting() throws PolicyException {
        TrafficPolicy policy = limit("{capacity: 3, rate: 60s}", RateLimit.MAX_KEYS);
        now.set(30 * SECOND);
        for (int i = 0; i < 3; i++) {
            assertThat(status(policy, get("/"))).isZero();
        }

        now.set(61 * SECOND);
        assertThat(status(policy, get("/"))).as("a fixed window would have reset here").isEqualTo(429);
        now.set(80 * SECOND);
        assertThat(status(policy, get("/"))).isZero();
        assertThat(status(policy, get("/"))).isEqualTo(429);
        now.set(100 * SECOND);
        assertThat(status(policy, get("/"))).as("3 * 20/60 + 1 + this one").isZero();
        assertThat(status(policy, get("/"))).isEqualTo(429);
    }

    @Test
    void aBucketKeyByHeaderCountsEachKeyApart() throws PolicyException {
        TrafficPolicy policy = limit("{capacity: 1, rate: 1m, bucket_key: [\"req.headers['x-api-key'][0]\"]}",
                RateLimit.MAX_KEYS);

        assertThat(status(policy, keyed("a"))).isZero();
        assertThat(status(policy, keyed("a"))).isEqualTo(429);
        assertThat(status(policy, keyed("b"))).isZero();
        assertThatThrownBy(() -> decide(policy, get("/"), TestPolicies.UNOBSERVED))
                .as("a request without the header is not let through").isInstanceOf(PolicyEvaluationException.class)
                .hasMessageContaining("x-api-key");
    }

    @Test
    void keysOfSeveralExpressionsDoNotRunIntoEachOther() throws PolicyException {
        TrafficPolicy policy = limit("{capacity: 1, rate: 1m, bucket_key: [\"req.headers['x-api-key'][0]\","
                + " \"req.url.path\"]}", RateLimit.MAX_KEYS);
        HttpRequest first = keyed("a/");
        first.setUri("/b");
        HttpRequest second = keyed("a");
        second.setUri("//b");

        assertThat(status(policy, first)).isZero();
        assertThat(status(policy, second)).as("'a/' + '/b' is not 'a' + '//b'").isZero();
    }

    @Test
    void aFloodOfNewKeysStaysWithinTheBoundAndForgetsNoBusyKey() throws PolicyException {
        RateLimit action = new RateLimit(config("rate-limit", "{capacity: 1, rate: 1h, bucket_key:"
                + " [\"req.headers['x-api-key'][0]\"]}"), now::get, 1024);
        TrafficPolicy policy = TestPolicies.onRequest(action);
        assertThat(status(policy, keyed("busy"))).isZero();

        for (int i = 0; i < 20_000; i++) {
            assertThat(status(policy, keyed("flood-" + i))).isZero();
            if (i % 8 == 0) {
                assertThat(status(policy, keyed("busy"))).as("the busy key keeps its count").isEqualTo(429);
            }
        }

        assertThat(action.keys()).isLessThanOrEqualTo(1024);
        assertThat(status(policy, keyed("flood-0"))).as("an idle key was forgotten").isZero();
        assertThat(status(policy, keyed("busy"))).isEqualTo(429);
    }

    @Test
    void eventLoopsSharingTheLimitAdmitExactlyTheCapacity() throws Exception {
        TrafficPolicy policy = limit("{capacity: 1000, rate: 1m}", RateLimit.MAX_KEYS);
        int threads = 8;
        int each = 500;
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> loops = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread loop = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    if (status(policy, get("/")) == 0) {
                        admitted.incrementAndGet();
                    }
                }
            });
            loop.start();
            loops.add(loop);
        }

        start.countDown();
        for (Thread loop : loops) {
            loop.join();
        }

        assertThat(admitted).hasValue(1000);
    }
}
