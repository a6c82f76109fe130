package dev.burrow.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PendingDecisionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    /** What the handler was told, in order. */
    private final List<String> outcome = new ArrayList<>();
    private final List<String> discarded = new ArrayList<>();
    private final PendingDecision.Handler<String> handler = new PendingDecision.Handler<>() {
        @Override
        public void decided(String decision) {
            outcome.add("decided " + decision);
        }

        @Override
        public void failed(Throwable cause) {
            outcome.add("failed " + cause.getMessage());
        }

        @Override
        public void timedOut() {
            outcome.add("timed out");
        }
    };

    PendingDecisionTest() {
        channel.freezeTime();
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    private PendingDecision<String> await(CompletionStage<String> stage) {
        return PendingDecision.await(() -> stage, channel.eventLoop(), TIMEOUT, handler, discarded::add);
    }

    @Test
    void aDecisionMadeAtOnceIsAppliedAtOnceWithNoTimerLeft() {
        await(CompletableFuture.completedStage("allow"));

        assertThat(outcome).containsExactly("decided allow");
        channel.advanceTimeBy(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(outcome).containsExactly("decided allow");
    }

    @Test
    void aDecisionFromAnotherThreadIsAppliedOnTheLoop() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            CompletableFuture<String> later = new CompletableFuture<>();
            CompletableFuture<Thread> appliedOn = new CompletableFuture<>();
            PendingDecision.Handler<String> recording = new PendingDecision.Handler<>() {
                @Override
                public void decided(String decision) {
                    appliedOn.complete(Thread.currentThread());
                }

                @Override
                public void failed(Throwable cause) {
                    appliedOn.completeExceptionally(cause);
                }

                @Override
                public void timedOut() {
                    appliedOn.completeExceptionally(new AssertionError("timed out"));
                }
            };
            loop.submit(() -> PendingDecision.await(() -> later, loop, TIMEOUT, recording, discarded::add)).sync();
            Thread loopThread = loop.submit(Thread::currentThread).get();

            Thread other = new Thread(() -> later.complete("allow"));
            other.start();

            assertThat(appliedOn.get(10, TimeUnit.SECONDS)).isSameAs(loopThread).isNotSameAs(other);
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFailedStageOrAThrowingDeciderFails() {
        await(CompletableFuture.failedStage(new IllegalStateException("database down")));
        PendingDecision.await(() -> {
            throw new IllegalArgumentException("bug");
        }, channel.eventLoop(), TIMEOUT, handler, discarded::add);
        PendingDecision.await(() -> null, channel.eventLoop(), TIMEOUT, handler, discarded::add);

        assertThat(outcome).containsExactly("failed database down", "failed bug",
                "failed the decider returned no stage");
    }

    @Test
    void aDecisionThatComesTooLateTimesOutAndIsDiscardedWhenItComes() {
        CompletableFuture<String> later = new CompletableFuture<>();
        await(later);

        channel.advanceTimeBy(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        later.complete("answer");
        channel.runPendingTasks();

        assertThat(outcome).containsExactly("timed out");
        assertThat(discarded).containsExactly("answer");
    }

    @Test
    void aCancelledDecisionIsDiscardedWhenItComesAndNeverTimesOut() {
        CompletableFuture<String> later = new CompletableFuture<>();
        PendingDecision<String> pending = await(later);

        pending.cancel();
        later.complete("answer");
        channel.advanceTimeBy(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(outcome).isEmpty();
        assertThat(discarded).containsExactly("answer");
    }
}
