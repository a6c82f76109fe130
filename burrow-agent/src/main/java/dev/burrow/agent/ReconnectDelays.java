package dev.burrow.agent;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The delay before each attempt to connect again, from how the connections before ended. Failures back off as
 * {@link Backoff} does, and a welcome starts it over, with two exceptions:
 * <ul>
 * <li>After an edge said it is restarting, for {@link #RESTART_WINDOW} every delay is drawn as the first step's:
 * the edge is expected to listen again within moments, and the agent is then back within one step of it.</li>
 * <li>After the edge ended a connection with a GOAWAY error, the next welcome does not start the backoff over: an
 * agent the edge keeps turning out (one that breaks the protocol, or floods it) comes back more and more slowly,
 * never in a loop.</li>
 * </ul>
 * Not thread-safe: the agent calls it from one reconnect at a time. The clock is injected for tests.
 */
final class ReconnectDelays {
    static final Duration RESTART_WINDOW = Duration.ofSeconds(30);

    private final Backoff backoff;
    private final LongSupplier nanoClock;
    /** How the last connection ended, or null while one is up (or none was yet). */
    private ConnectionEnd.Kind lastEnd;
    /** {@link System#nanoTime()} until which an edge that said it is restarting is expected back. */
    private long restartExpectedUntil;

    ReconnectDelays(Backoff backoff, LongSupplier nanoClock) {
        this.backoff = backoff;
        this.nanoClock = nanoClock;
    }

    /** The edge welcomed the agent on a new connection. */
    void welcomed() {
        if (lastEnd != ConnectionEnd.Kind.EDGE_ERROR) {
            backoff.reset();
        }
        lastEnd = null;
    }

    /** The connection the edge welcomed ended. */
    void ended(ConnectionEnd end) {
        lastEnd = end.kind();
        if (lastEnd == ConnectionEnd.Kind.EDGE_RESTARTING) {
            restartExpectedUntil = nanoClock.getAsLong() + RESTART_WINDOW.toNanos();
        }
    }

    /** The delay before the next attempt; each call counts one more failure. */
    Duration next() {
        boolean edgeExpectedBack = lastEnd == ConnectionEnd.Kind.EDGE_RESTARTING
                && nanoClock.getAsLong() - restartExpectedUntil < 0;
        return edgeExpectedBack ? backoff.firstStep() : backoff.next();
    }

    /** Failures counted since the backoff last started over. */
    int attempts() {
        return backoff.attempts();
    }
}
