package dev.burrow.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamWindowTest {
    private static final int HALF = Http2Tuning.STREAM_WINDOW / 2;

    @Test
    void aWindowThatIsNotTheLimitStaysAsItIs() {
        // No round trip measured yet, then a round trip so short that no half window fits in it.
        StreamWindow unknown = new StreamWindow((TunnelStream) null, () -> -1);
        StreamWindow quick = new StreamWindow((TunnelStream) null, () -> 1);

        unknown.received(HALF);
        quick.received(HALF);

        assertThat(unknown.size()).isEqualTo(Http2Tuning.STREAM_WINDOW);
        assertThat(quick.size()).isEqualTo(Http2Tuning.STREAM_WINDOW);
    }
}
