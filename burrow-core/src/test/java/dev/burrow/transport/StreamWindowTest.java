package dev.burrow.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamWindowTest {
    private static final int HALF = Http2Tuning.STREAM_WINDOW / 2;

    @Test
    void aWindowThatIsNotTheLimitStaysAsItIs() {
        // No round trip measured yet, then a round trip so short that no half window fits in it.
        StreamWindow unknown = new StreamWindow((TunnelStream) null, () -> -1, () -> 1);
        StreamWindow quick = new StreamWindow((TunnelStream) null, () -> 1, () -> 1);

        unknown.received(HALF);
        quick.received(HALF);

        assertThat(unknown.size()).isEqualTo(Http2Tuning.STREAM_WINDOW);
        assertThat(quick.size()).isEqualTo(Http2Tuning.STREAM_WINDOW);
    }

    @Test
    void aStreamAmongManyKeepsItsShareOfTheConnectionsWindow() {
        // Half its window within a long round trip would grow it, were the connection's window not shared by 16.
        int sharing = Http2Tuning.CONNECTION_WINDOW / Http2Tuning.STREAM_WINDOW;
        StreamWindow crowded = new StreamWindow((TunnelStream) null, () -> 60_000_000_000L, () -> sharing);

        crowded.received(HALF);

        assertThat(crowded.size()).isEqualTo(Http2Tuning.STREAM_WINDOW);
    }
}
