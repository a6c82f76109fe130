package dev.burrow.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class PausedStreamsTest {
    private static final int WINDOW = 4 * 1024 * 1024;

    @Test
    void aStreamWhoseWindowGrewCountsForItsWholeWindow() {
        PausedStreams pacing = new PausedStreams(3L * WINDOW, WINDOW);
        EmbeddedChannel grown = new EmbeddedChannel();
        EmbeddedChannel first = new EmbeddedChannel();
        EmbeddedChannel second = new EmbeddedChannel();

        pacing.pace(grown, false, 2 * WINDOW);
        pacing.pace(first, false);
        assertThat(grown.isActive()).as("two windows and one fit in three").isTrue();
        pacing.pace(second, false);

        assertThat(grown.isActive()).isFalse();
        assertThat(first.isActive()).isTrue();
        assertThat(second.isActive()).isTrue();
    }

    @Test
    void pausingStopsReadingAndResumingStartsItAgain() {
        PausedStreams pacing = new PausedStreams(2L * WINDOW, WINDOW);
        EmbeddedChannel stream = new EmbeddedChannel();

        pacing.pace(stream, false);
        assertThat(stream.config().isAutoRead()).isFalse();
        pacing.pace(stream, true);

        assertThat(stream.config().isAutoRead()).isTrue();
        assertThat(stream.isActive()).isTrue();
    }

    @Test
    void onePausedStreamBeyondTheBudgetResetsTheOnePausedLongest() {
        PausedStreams pacing = new PausedStreams(2L * WINDOW, WINDOW);
        EmbeddedChannel first = new EmbeddedChannel();
        EmbeddedChannel second = new EmbeddedChannel();
        EmbeddedChannel third = new EmbeddedChannel();

        pacing.pace(first, false);
        pacing.pace(second, false);
        pacing.pace(third, false);

        assertThat(first.isActive()).isFalse();
        assertThat(second.isActive()).isTrue();
        assertThat(third.isActive()).isTrue();
    }

    @Test
    void streamsThatResumedOrClosedDoNotCountAgainstTheBudget() {
        PausedStreams pacing = new PausedStreams(2L * WINDOW, WINDOW);
        EmbeddedChannel resumed = new EmbeddedChannel();
        EmbeddedChannel closed = new EmbeddedChannel();
        EmbeddedChannel waiting = new EmbeddedChannel();
        EmbeddedChannel fresh = new EmbeddedChannel();

        pacing.pace(resumed, false);
        pacing.pace(closed, false);
        pacing.pace(resumed, true);
        closed.close();
        pacing.pace(waiting, false);
        pacing.pace(fresh, false);

        assertThat(waiting.isActive()).isTrue();
        assertThat(fresh.isActive()).isTrue();
    }
}
