package dev.burrow.agent;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the agent's user, one line each, when a visitor got the agent's own error because the upstream refused,
 * timed out or broke, so that a 502 never goes unexplained. A dead upstream under load fails every request: past
 * one line a second for each upstream and kind of failure, lines are held back and the next one says how many were.
 */
final class UpstreamFailureLog {
    private static final Logger log = LoggerFactory.getLogger(UpstreamFailureLog.class);
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    /** One upstream's failures of one kind: when the last line went out, and how many were held back since. */
    private static final class Recent {
        long loggedAtNanos;
        int heldBack;
    }

    private final LongSupplier nanoClock;
    private final ConcurrentMap<String, Recent> recent = new ConcurrentHashMap<>();

    UpstreamFailureLog(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** A visitor's request ({@code "METHOD target"}) got the agent's answer {@code status} because of {@code reason}. */
    void failed(String upstream, ExchangeFailure failure, int status, String request, String reason) {
        Recent last = recent.computeIfAbsent(upstream + " " + failure, k -> {
            Recent fresh = new Recent();
            fresh.loggedAtNanos = nanoClock.getAsLong() - INTERVAL_NANOS;
            return fresh;
        });
        int heldBack;
        synchronized (last) {
            long now = nanoClock.getAsLong();
            if (now - last.loggedAtNanos < INTERVAL_NANOS) {
                last.heldBack++;
                return;
            }
            heldBack = last.heldBack;
            last.heldBack = 0;
            last.loggedAtNanos = now;
        }
        var line = log.atWarn().addKeyValue("upstream", upstream).addKeyValue("status", status)
                .addKeyValue("request", request);
        if (heldBack > 0) {
            line = line.addKeyValue("more_like_it", heldBack);
        }
        line.log(reason);
    }
}
