package dev.burrow.transport;

import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Grows one stream's receive window while its bytes arrive as fast as the window lets them, so that a single
 * stream over a long round trip is not capped at window / RTT (4 MiB over 50 ms is 84 MB/s). The window doubles
 * when half of it arrived within one round trip, up to {@link #MAX}, and only while the connection's window could
 * hold the doubled window of every stream open on it: streams that share a connection share its window, and one
 * that grew past its share would take the others' (64 streams over 50 ms: Jain's index 0.79 with growth unbounded,
 * bench/results/2026-12-07-0541-flow.md). Where the window is not the limit (loopback) it stays as it is. A paused
 * stream holds up to its window, so {@link PausedStreams} is told its size. Used on the connection's event loop.
 */
public final class StreamWindow {
    /** The largest window a stream grows to. */
    public static final int MAX = 32 * 1024 * 1024;

    private final TunnelStream stream;
    private final LongSupplier rttNanos;
    private final IntSupplier openStreams;
    /** Read from the public connection's loop too, when it paces the stream. */
    private volatile int size = Http2Tuning.STREAM_WINDOW;
    private long received;
    private long since = System.nanoTime();

    /**
     * @param rttNanos the connection's round trip from its heartbeat, or a negative number before the first
     * @param openStreams how many streams the connection has open now
     */
    public StreamWindow(TunnelStream stream, LongSupplier rttNanos, IntSupplier openStreams) {
        this.stream = stream;
        this.rttNanos = rttNanos;
        this.openStreams = openStreams;
    }

    /** The stream's receive window now, in bytes. */
    public int size() {
        return size;
    }

    /** Counts bytes the stream has taken in; doubles the window when half of it came within one round trip. */
    public void received(int bytes) {
        received += bytes;
        if (received < size / 2) {
            return;
        }
        long now = System.nanoTime();
        long rtt = rttNanos.getAsLong();
        if (rtt > 0 && now - since < rtt && size < MAX
                && 2L * size * Math.max(1, openStreams.getAsInt()) <= Http2Tuning.CONNECTION_WINDOW) {
            grow();
        }
        received = 0;
        since = now;
    }

    private void grow() {
        stream.growWindow(size);
        size *= 2;
    }
}
