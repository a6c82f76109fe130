package dev.burrow.edge;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Slows down token guessing on the agent port, without keeping out the agents whose tokens are right; the admin
 * listener keeps one of its own for its bearer token, by address alone (no token id).
 *
 * <p>Failures count against two keys: the client's address (an IPv4 address; for IPv6 the /64 it is in, since one
 * host is given a whole /64) and the id of the token presented, its public part, so that one token cannot be guessed
 * at from many addresses. An id counts whether or not a token has it, so the answers tell no one which ids exist; a
 * token without a token's shape counts against its address only. Each key may fail {@code limit} times at once,
 * then once each {@code window / limit} ({@link FailureLedger}). A presented token is:
 * <ul>
 * <li>verified if its address and its id both have room for one more failure. It is charged that failure before the
 * look-up, so that attempts made together cannot all slip under the limit, and a right token gets it back;</li>
 * <li>verified, room or not, if this token has authenticated from this address before (a known pair): an agent
 * reconnecting from where it runs is kept out neither by guesses from its own address (a shared NAT) nor by guesses
 * at its id from anywhere. A wrong token on a known pair forgets the pair, since the token's owner never presents a
 * wrong secret: the way round the throttle is open to the owner only;</li>
 * <li>otherwise refused without a look-up, {@code rate_limited}, with the time until there is room: a throttled
 * address or id is thus verified at most once each {@code window / limit}, whatever it sends.</li>
 * </ul>
 * A verified wrong token is answered {@code rate_limited} rather than {@code auth_failed} once it leaves its address
 * or id without room for another. A success resets no count: an attacker with one good token of its own could
 * otherwise mix it into its guesses and never be slowed, and each reconnect of a token's owner would give whoever
 * guesses at that token a fresh allowance.
 *
 * <p>Memory is bounded: each key table keeps at most {@code capacity} keys, offenders last ({@link FailureLedger}),
 * and so does the table of known pairs, least recent first (only a success adds to it). Thread-safe: every call holds
 * one lock for a few map operations, little beside the TLS handshake each attempt has cost already.
 */
public final class AuthThrottle {
    /**
     * A presented token's way through the throttle: refused for {@code retryAfter}, or, when that is zero, let through
     * to verification and then settled by one of {@link #failed}, {@link #succeeded} or {@link #unverified}.
     *
     * @param address the address's key in the throttle
     * @param tokenId the token's id, or null if it has no token's shape
     */
    public record Attempt(InetAddress address, String tokenId, Duration retryAfter) {
        public boolean admitted() {
            return retryAfter.isZero();
        }
    }

    private record Pair(InetAddress address, String tokenId) {
    }

    private static final int IPV6_HOST_BYTES = 8;
    private final FailureLedger<InetAddress> addresses;
    private final FailureLedger<String> tokenIds;
    private final Set<Pair> knownPairs;
    private final LongSupplier clock;

    public AuthThrottle(int limit, Duration window, int capacity, LongSupplier clock) {
        this.addresses = new FailureLedger<>(limit, window, capacity);
        this.tokenIds = new FailureLedger<>(limit, window, capacity);
        this.knownPairs = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Pair, Boolean> eldest) {
                return size() > capacity;
            }
        });
        this.clock = clock;
    }

    /** Decides whether a token with id {@code tokenId} (null for none) from {@code client} is verified. */
    public synchronized Attempt attempt(InetAddress client, String tokenId) {
        long now = clock.getAsLong();
        InetAddress address = keyOf(client);
        if (!knownPairs.contains(new Pair(address, tokenId))) {
            long wait = nanosUntilRoom(address, tokenId, now);
            if (wait > 0) {
                return new Attempt(address, tokenId, Duration.ofNanos(wait));
            }
        }
        addresses.charge(address, now);
        if (tokenId != null) {
            tokenIds.charge(tokenId, now);
        }
        return new Attempt(address, tokenId, Duration.ZERO);
    }

    /** Settles a wrong token. @return zero to answer {@code auth_failed}, else the wait to answer with */
    public synchronized Duration failed(Attempt attempt) {
        knownPairs.remove(new Pair(attempt.address(), attempt.tokenId()));
        return Duration.ofNanos(nanosUntilRoom(attempt.address(), attempt.tokenId(), clock.getAsLong()));
    }

    /** Settles a right token: its charge is taken back and the pair remembered; no count is reset. */
    public synchronized void succeeded(Attempt attempt) {
        unverified(attempt);
        knownPairs.add(new Pair(attempt.address(), attempt.tokenId()));
    }

    /** Settles an attempt the store could not check: no failure of the client's, so its charge is taken back. */
    synchronized void unverified(Attempt attempt) {
        addresses.refund(attempt.address());
        if (attempt.tokenId() != null) {
            tokenIds.refund(attempt.tokenId());
        }
    }

    private long nanosUntilRoom(InetAddress address, String tokenId, long now) {
        long wait = addresses.nanosUntilRoom(address, now);
        return tokenId == null ? wait : Math.max(wait, tokenIds.nanosUntilRoom(tokenId, now));
    }

    /** The address itself for IPv4; for IPv6 its /64, the least a host is given. */
    static InetAddress keyOf(InetAddress client) {
        if (!(client instanceof Inet6Address)) {
            return client;
        }
        byte[] bytes = client.getAddress();
        Arrays.fill(bytes, bytes.length - IPV6_HOST_BYTES, bytes.length, (byte) 0);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an IPv6 address", e);
        }
    }
}
