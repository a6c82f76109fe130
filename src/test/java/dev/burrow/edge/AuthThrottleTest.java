package dev.burrow.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final AuthThrottle throttle = new AuthThrottle(3, WINDOW, nanos::get);
    private final InetAddress client = address("192.0.2.1");
    private final InetAddress other = address("192.0.2.2");

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    private void fail(InetAddress address, int times) {
        for (int i = 0; i < times; i++) {
            throttle.failed(address);
        }
    }

    @Test
    void anUnknownAddressMayTry() {
        assertThat(throttle.retryAfter(client)).isZero();
    }

    @Test
    void failuresBelowTheLimitAreNotThrottled() {
        fail(client, 2);

        assertThat(throttle.retryAfter(client)).isZero();
    }

    @Test
    void reachingTheLimitRefusesUntilTheWindowEnds() {
        throttle.failed(client);
        advance(Duration.ofSeconds(10));
        throttle.failed(client);
        advance(Duration.ofSeconds(10));
        throttle.failed(client);

        // The window runs from the first failure.
        assertThat(throttle.retryAfter(client)).isEqualTo(Duration.ofSeconds(40));
        advance(Duration.ofSeconds(39));
        assertThat(throttle.retryAfter(client)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void theThrottleIsForgottenAfterTheWindow() {
        fail(client, 5);
        advance(WINDOW);

        assertThat(throttle.retryAfter(client)).isZero();
        // A fresh count: two more failures are still under the limit.
        fail(client, 2);
        assertThat(throttle.retryAfter(client)).isZero();
    }

    @Test
    void failuresSpreadBeyondTheWindowDoNotAddUp() {
        fail(client, 2);
        advance(WINDOW.plusSeconds(1));
        throttle.failed(client);

        assertThat(throttle.retryAfter(client)).isZero();
    }

    @Test
    void successResetsTheCount() {
        fail(client, 2);
        throttle.succeeded(client);
        fail(client, 2);

        assertThat(throttle.retryAfter(client)).isZero();
    }

    @Test
    void successClearsAThrottle() {
        fail(client, 3);
        assertThat(throttle.retryAfter(client)).isPositive();

        throttle.succeeded(client);

        assertThat(throttle.retryAfter(client)).isZero();
    }

    @Test
    void addressesAreCountedApart() {
        fail(client, 3);

        assertThat(throttle.retryAfter(client)).isPositive();
        assertThat(throttle.retryAfter(other)).isZero();
    }
}
