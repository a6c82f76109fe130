package dev.burrow.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The throttle's rule, on a clock the test moves: 5 failures at once per key, then one each 12 s. */
class AuthThrottleTest {
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Duration PACE = Duration.ofSeconds(12);
    private static final int CAPACITY = 100_000;
    private static final String ID = "k3j9x0a1b2c3";
    private final AtomicLong nanos = new AtomicLong(-5_000_000_000L);
    private final AuthThrottle throttle = new AuthThrottle(5, WINDOW, CAPACITY, nanos::get);
    private final InetAddress client = address("192.0.2.1");
    private final InetAddress other = address("192.0.2.2");

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress ipv6Slash64(int n) {
        byte[] bytes = new byte[16];
        bytes[0] = 0x20;
        bytes[1] = 0x01;
        bytes[2] = 0x0d;
        bytes[3] = (byte) 0xb8;
        bytes[4] = (byte) (n >>> 24);
        bytes[5] = (byte) (n >>> 16);
        bytes[6] = (byte) (n >>> 8);
        bytes[7] = (byte) n;
        bytes[15] = 1;
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    /** A wrong token, which must be let through to verification; returns what the failure is answered with. */
    private Duration wrong(InetAddress from, String tokenId) {
        AuthThrottle.Attempt attempt = throttle.attempt(from, tokenId);
        assertThat(attempt.admitted()).as("verified").isTrue();
        return throttle.failed(attempt);
    }

    private void wrong(InetAddress from, String tokenId, int times) {
        for (int i = 0; i < times; i++) {
            wrong(from, tokenId);
        }
    }

    /** A right token: true if it was verified, and so accepted. */
    private boolean right(InetAddress from, String tokenId) {
        AuthThrottle.Attempt attempt = throttle.attempt(from, tokenId);
        if (attempt.admitted()) {
            throttle.succeeded(attempt);
        }
        return attempt.admitted();
    }

    private boolean verified(InetAddress from, String tokenId) {
        return throttle.attempt(from, tokenId).admitted();
    }

    @Test
    void failuresUnderTheLimitAreAnsweredAuthFailedAndTheOneReachingItRateLimited() {
        for (int i = 1; i <= 4; i++) {
            assertThat(wrong(client, "id000000000" + i)).as("failure %d", i).isZero();
        }

        assertThat(wrong(client, "id0000000005")).isEqualTo(PACE);
    }

    @Test
    void aThrottledAddressIsVerifiedOnceEachTwelveSeconds() {
        wrong(client, null, 5);

        AuthThrottle.Attempt refused = throttle.attempt(client, null);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(PACE);
        advance(PACE.minusSeconds(1));
        assertThat(verified(client, null)).isFalse();
        advance(Duration.ofSeconds(1));
        // Its turn: verified, and the failure answered rate_limited, for the next turn is 12 s away again.
        assertThat(wrong(client, null)).isEqualTo(PACE);
        assertThat(verified(client, null)).isFalse();
    }

    @Test
    void aThrottledAddressRecoversOnceItsFailuresHaveDrained() {
        wrong(client, null, 5);
        advance(WINDOW);

        wrong(client, null, 4);
        assertThat(verified(client, null)).isTrue();
    }

    @Test
    void fourWrongAndOneRightRepeatedIsSlowedDown() {
        InetAddress attacker = client;
        String ownToken = "attackersown";
        int refused = 0;
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 4; i++) {
                AuthThrottle.Attempt guess = throttle.attempt(attacker, "guess" + round + "0000" + i);
                if (guess.admitted()) {
                    throttle.failed(guess);
                } else {
                    refused++;
                }
            }
            assertThat(right(attacker, ownToken)).isTrue();
        }

        // The success resets nothing: the second round already ran out of room.
        assertThat(refused).isGreaterThanOrEqualTo(20 - 5);
        assertThat(verified(attacker, "anotherguess")).isFalse();
    }

    @Test
    void aRightTokenFromAThrottledAddressIsAcceptedWhereItWorkedBefore() {
        assertThat(right(client, ID)).isTrue();
        // Someone behind the same address guesses at other tokens.
        wrong(client, null, 5);
        assertThat(verified(client, "someoneelses")).isFalse();

        assertThat(right(client, ID)).isTrue();
        assertThat(right(client, ID)).isTrue();
    }

    @Test
    void aRightTokenNewToAThrottledAddressIsVerifiedAtItsPace() {
        wrong(client, null, 5);
        assertThat(right(client, ID)).isFalse();

        advance(PACE);

        assertThat(right(client, ID)).isTrue();
    }

    @Test
    void aWrongTokenOnAKnownPairLosesTheWayRound() {
        assertThat(right(client, ID)).isTrue();
        wrong(client, null, 5);

        // The id's owner never presents a wrong secret: this is someone else.
        assertThat(wrong(client, ID)).isPositive();

        assertThat(verified(client, ID)).isFalse();
    }

    @Test
    void aTokenIdAttackedFromManyAddressesIsLocked() {
        assertThat(right(address("198.51.100.7"), ID)).isTrue();
        for (int i = 1; i <= 5; i++) {
            wrong(address("203.0.113." + i), ID);
        }

        AuthThrottle.Attempt fresh = throttle.attempt(address("203.0.113.99"), ID);
        assertThat(fresh.admitted()).as("a new address guessing at the id").isFalse();
        assertThat(fresh.retryAfter()).isEqualTo(PACE);
        assertThat(verified(address("203.0.113.99"), "anotheridxyz")).as("another id").isTrue();
        assertThat(right(address("198.51.100.7"), ID)).as("the id's owner where it runs").isTrue();
    }

    @Test
    void attemptsMadeTogetherCannotAllSlipUnderTheLimit() {
        List<AuthThrottle.Attempt> inFlight = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            inFlight.add(throttle.attempt(client, null));
        }

        assertThat(inFlight).filteredOn(AuthThrottle.Attempt::admitted).hasSize(5);
    }

    @Test
    void aStoreFailureCostsTheClientNothing() {
        for (int i = 0; i < 10; i++) {
            AuthThrottle.Attempt attempt = throttle.attempt(client, ID);
            assertThat(attempt.admitted()).isTrue();
            throttle.unverified(attempt);
        }

        assertThat(wrong(client, ID)).isZero();
    }

    @Test
    void addressesAreCountedApart() {
        wrong(client, null, 5);

        assertThat(verified(client, null)).isFalse();
        assertThat(verified(other, null)).isTrue();
    }

    @Test
    void ipv6AddressesInOneSlash64ShareACount() {
        for (int host = 1; host <= 5; host++) {
            wrong(address("2001:db8:1:2::" + Integer.toHexString(host)), null);
        }

        assertThat(verified(address("2001:db8:1:2:ffff:ffff:ffff:ffff"), null)).isFalse();
        assertThat(verified(address("2001:db8:1:3::1"), null)).isTrue();
    }

    @Test
    void theTableAtItsBoundKeepsTheBusiestOffendersLockoutAfterASprayOf200kAddresses() {
        InetAddress offender = address("2001:db8:ffff:ffff::1");
        wrong(offender, null, 5);

        for (int n = 0; n < 200_000; n++) {
            wrong(ipv6Slash64(n), null);
        }

        assertThat(verified(offender, null)).isFalse();
        // The spray's latest addresses are still counted too, and the oldest were let go.
        assertThat(throttle.attempt(ipv6Slash64(199_999), null).admitted()).isTrue();
        wrong(ipv6Slash64(199_999), null, 3);
        assertThat(verified(ipv6Slash64(199_999), null)).isFalse();
    }
}
