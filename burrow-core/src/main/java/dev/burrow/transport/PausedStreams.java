package dev.burrow.transport;

import io.netty.channel.Channel;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paces the streams of one tunnel connection by their consumers, and bounds what paused streams may hold. The
 * connection window is returned as data arrives (see {@link Http2Tuning}), so a stream whose consumer stopped taking
 * bytes holds up to its own window and no longer starves its neighbours; without a bound, enough such streams would
 * hold unbounded memory. The windows of the paused streams may add up to the budget: when one more pauses beyond
 * it, the streams paused longest are reset, since their consumers have gone longest without taking anything.
 */
public final class PausedStreams {
    private static final Logger log = LoggerFactory.getLogger(PausedStreams.class);

    private final long budgetBytes;
    private final int defaultWindow;
    /**
     * Each paused stream (a {@link TunnelStream}, or the child channel of an HTTP/2 upstream's stream) with the window
     * it may hold, in the order they paused; the connection's loop only.
     */
    private final Map<Object, Integer> paused = new LinkedHashMap<>();
    private long held;

    /**
     * @param budgetBytes what all paused streams of the connection may hold together
     * @param defaultWindow what one paused stream may hold unless told otherwise: its flow-control window
     */
    public PausedStreams(long budgetBytes, int defaultWindow) {
        this.budgetBytes = budgetBytes;
        this.defaultWindow = defaultWindow;
    }

    /** Lets {@code stream} read while its consumer can take more ({@code consumerWritable}), and pauses it if not. */
    public void pace(Channel stream, boolean consumerWritable) {
        pace(stream, consumerWritable, defaultWindow);
    }

    /** As {@link #pace(Channel, boolean)}, for a stream whose receive window is {@code window} bytes. */
    public void pace(Channel stream, boolean consumerWritable, int window) {
        if (!stream.eventLoop().inEventLoop()) {
            stream.eventLoop().execute(() -> pace(stream, consumerWritable, window));
            return;
        }
        stream.config().setAutoRead(consumerWritable);
        paced(stream, consumerWritable, window);
    }

    /** Lets {@code stream} read while its consumer can take more ({@code consumerWritable}), and pauses it if not. */
    public void pace(TunnelStream stream, boolean consumerWritable) {
        pace(stream, consumerWritable, defaultWindow);
    }

    /** As {@link #pace(TunnelStream, boolean)}, for a stream whose receive window is {@code window} bytes. */
    public void pace(TunnelStream stream, boolean consumerWritable, int window) {
        if (!stream.eventLoop().inEventLoop()) {
            stream.eventLoop().execute(() -> pace(stream, consumerWritable, window));
            return;
        }
        stream.reading(consumerWritable);
        paced(stream, consumerWritable, window);
    }

    private void paced(Object stream, boolean consumerWritable, int window) {
        Integer before = consumerWritable ? paused.remove(stream) : paused.putIfAbsent(stream, window);
        if (consumerWritable) {
            held -= before == null ? 0 : before;
        } else if (before == null) {
            held += window;
            if (held > budgetBytes) {
                resetLongestPaused();
            }
        }
    }

    private void resetLongestPaused() {
        paused.entrySet().removeIf(entry -> {
            if (!isActive(entry.getKey())) {
                held -= entry.getValue();
                return true;
            }
            return false;
        });
        Iterator<Map.Entry<Object, Integer>> oldest = paused.entrySet().iterator();
        while (held > budgetBytes && oldest.hasNext()) {
            Map.Entry<Object, Integer> entry = oldest.next();
            oldest.remove();
            held -= entry.getValue();
            log.atWarn().addKeyValue("budget_bytes", budgetBytes).log("reset the stream paused longest: the"
                    + " paused streams' windows add up to more than the buffer budget allows");
            close(entry.getKey());
        }
    }

    private static boolean isActive(Object stream) {
        return stream instanceof TunnelStream tunnel ? tunnel.isActive() : ((Channel) stream).isActive();
    }

    private static void close(Object stream) {
        if (stream instanceof TunnelStream tunnel) {
            tunnel.close();
        } else {
            ((Channel) stream).close();
        }
    }
}
