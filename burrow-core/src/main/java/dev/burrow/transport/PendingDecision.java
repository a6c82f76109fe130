package dev.burrow.transport;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A decision about one connection or request that is made elsewhere (an OAuth server, a database) and waited for on
 * the connection's event loop, which never blocks for it. Exactly one of the {@link Handler}'s methods runs, on that
 * loop: with the decision, with why it could not be made, or when it took longer than the timeout; or none, once
 * {@link #cancel cancelled} (the client went away). A decision that arrives after that is handed to {@code discard},
 * so that whatever it holds is released. A decision made at once, on the loop, is applied at once: no task, no timer.
 *
 * @param <T> the decision
 */
public final class PendingDecision<T> {
    /** What is done with the outcome, on the connection's loop. */
    public interface Handler<T> {
        void decided(T decision);

        /** The decider threw, failed its stage, or gave no decision. */
        void failed(Throwable cause);

        void timedOut();
    }

    private enum State { PENDING, SETTLED }

    private final EventExecutor loop;
    private final Handler<T> handler;
    private final Consumer<? super T> discard;
    private State state = State.PENDING;
    private ScheduledFuture<?> timer;
    /** While the stage is being asked, on the loop: a decision made at once waits here until the asking is over. */
    private boolean asking;
    private boolean madeAtOnce;
    private T atOnce;
    private Throwable atOnceCause;

    private PendingDecision(EventExecutor loop, Handler<T> handler, Consumer<? super T> discard) {
        this.loop = loop;
        this.handler = handler;
        this.discard = discard;
    }

    /**
     * Asks {@code decider} for a decision, on {@code loop} (the caller's), and waits for it at most {@code timeout}.
     *
     * @param discard releases a decision that came too late to be applied
     */
    public static <T> PendingDecision<T> await(Supplier<? extends CompletionStage<? extends T>> decider,
                                               EventExecutor loop, Duration timeout, Handler<T> handler,
                                               Consumer<? super T> discard) {
        PendingDecision<T> pending = new PendingDecision<>(loop, handler, discard);
        CompletionStage<? extends T> stage;
        try {
            stage = decider.get();
        } catch (RuntimeException e) {
            pending.settle(null, e);
            return pending;
        }
        if (stage == null) {
            pending.settle(null, new NullPointerException("the decider returned no stage"));
            return pending;
        }
        // Settled outside whenComplete, which would swallow what the handler throws.
        pending.asking = true;
        stage.whenComplete(pending::arrived);
        pending.asking = false;
        if (pending.madeAtOnce) {
            pending.settle(pending.atOnce, pending.atOnceCause);
        } else if (pending.state == State.PENDING) {
            pending.timer = loop.schedule(pending::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        return pending;
    }

    /** The decision is no longer wanted; one that still comes is discarded. On the loop. */
    public void cancel() {
        if (state == State.PENDING) {
            state = State.SETTLED;
            stopTimer();
        }
    }

    private void arrived(T decision, Throwable cause) {
        if (loop.inEventLoop() && asking) {
            madeAtOnce = true;
            atOnce = decision;
            atOnceCause = cause;
            return;
        }
        if (loop.inEventLoop()) {
            settle(decision, cause);
            return;
        }
        try {
            loop.execute(() -> settle(decision, cause));
        } catch (RejectedExecutionException e) {
            // The edge is stopping: nobody is left to apply the decision.
            discard(decision);
        }
    }

    private void settle(T decision, Throwable cause) {
        if (state != State.PENDING) {
            discard(decision);
            return;
        }
        state = State.SETTLED;
        stopTimer();
        if (cause != null) {
            handler.failed(cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause);
        } else if (decision == null) {
            handler.failed(new NullPointerException("the decider completed without a decision"));
        } else {
            handler.decided(decision);
        }
    }

    private void expire() {
        if (state == State.PENDING) {
            state = State.SETTLED;
            handler.timedOut();
        }
    }

    private void stopTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void discard(T decision) {
        if (decision != null) {
            discard.accept(decision);
        }
    }
}
