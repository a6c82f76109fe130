package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.transport.ErrorPages;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * {@code circuit-breaker}: stops sending requests to an upstream that keeps failing. It learns the status of every
 * request it lets through ({@link PolicyContext#observeResponse}); once the answers of the last
 * {@code window_duration} number at least {@code volume_threshold} and at least one of them, and the share of 5xx
 * among them reaches {@code error_threshold}, it opens: for {@code tripped_duration} requests get 503 with
 * {@code Retry-After} and never reach the upstream.
 *
 * <p>Then it is half-open: the first request goes through as a probe and the others still get 503. The probe's
 * answer decides: under 500 closes the breaker, with a fresh count; 5xx opens it for another
 * {@code tripped_duration}. A probe whose answer never comes (the visitor left, the edge answered itself) is replaced
 * by another after {@code tripped_duration}. Answers to requests let through before a change of state are not
 * counted after it. What counts is what {@link dev.burrow.edge.policy.ResponseObserver} is told: the upstream's
 * status, or the agent's 502 and 504 when the upstream cannot be reached or is late; the edge's own pages are not.
 *
 * <p>One breaker per action of a bound tunnel, shared by the event loops under its lock: each request holds it for
 * a few arithmetic steps.
 */
final class CircuitBreaker implements Action {
    private static final Duration MIN_DURATION = Duration.ofSeconds(1);
    private static final Duration MAX_DURATION = Duration.ofHours(1);
    private static final long SECOND = 1_000_000_000L;

    private final boolean enabled;
    private final double errorThreshold;
    private final int volumeThreshold;
    private final long window;
    private final long tripped;
    private final LongSupplier nanos;

    // Guarded by this.
    private SlidingWindow answers;
    private SlidingWindow failures;
    private boolean open;
    /** While open: when the next probe may go. */
    private long probeAt;
    /** Changes with each change of state, so that an answer to a request let through before it is not counted. */
    private long epoch;

    CircuitBreaker(ActionConfig config) throws PolicyException {
        this(config, System::nanoTime);
    }

    /** With a clock of nanoseconds of the test's choosing. */
    CircuitBreaker(ActionConfig config, LongSupplier nanos) throws PolicyException {
        config.only("error_threshold", "volume_threshold", "window_duration", "tripped_duration", "enabled");
        errorThreshold = config.number("error_threshold", 0.5, 0, 1);
        volumeThreshold = config.integer("volume_threshold", 10, 1, 1_000_000);
        window = config.duration("window_duration", Duration.ofSeconds(10), MIN_DURATION, MAX_DURATION).toNanos();
        tripped = config.duration("tripped_duration", Duration.ofSeconds(10), MIN_DURATION, MAX_DURATION)
                .toNanos();
        enabled = config.bool("enabled", true);
        this.nanos = nanos;
        long now = nanos.getAsLong();
        answers = new SlidingWindow(window, now);
        failures = new SlidingWindow(window, now);
    }

    @Override
    public void apply(PolicyContext context) {
        if (!enabled) {
            return;
        }
        long now = nanos.getAsLong();
        long wait;
        long admitted;
        boolean probe;
        synchronized (this) {
            probe = open && now - probeAt >= 0;
            if (probe) {
                epoch++;
                probeAt = now + tripped;
            }
            wait = open && !probe ? probeAt - now : 0;
            admitted = epoch;
        }
        if (wait > 0) {
            FullHttpResponse page = ErrorPages.page(ByteBufAllocator.DEFAULT, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "policy_circuit_open", "Service Unavailable",
                    "The tunnel's upstream keeps failing; the edge holds requests back for a while.");
            page.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString((wait + SECOND - 1) / SECOND));
            context.answer(page);
            return;
        }
        context.observeResponse(status -> answered(admitted, probe, status >= 500));
    }

    private synchronized void answered(long admitted, boolean probe, boolean failed) {
        if (admitted != epoch) {
            return;
        }
        long now = nanos.getAsLong();
        if (probe) {
            if (failed) {
                trip(now);
            } else {
                close(now);
            }
            return;
        }
        answers.add(now);
        if (failed) {
            failures.add(now);
        }
        double count = answers.count(now);
        double failing = failures.count(now);
        if (count >= volumeThreshold && failing > 0 && failing / count >= errorThreshold) {
            trip(now);
        }
    }

    private void trip(long now) {
        open = true;
        probeAt = now + tripped;
        epoch++;
    }

    private void close(long now) {
        open = false;
        epoch++;
        answers = new SlidingWindow(window, now);
        failures = new SlidingWindow(window, now);
    }
}
