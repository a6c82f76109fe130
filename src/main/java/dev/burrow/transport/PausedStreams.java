package dev.burrow.transport;

import io.netty.channel.Channel;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paces the streams of one tunnel connection by their consumers, and bounds what paused streams may hold. The
 * connection window is returned as data arrives (see {@link Http2Tuning}), so a stream whose consumer stopped taking
 * bytes holds up to its own window and no longer starves its neighbours; without a bound, enough such streams would
 * hold unbounded memory. At most {@code budget / window} streams may be paused at once: when one more pauses, the
 * stream paused longest is reset, since its consumer has gone longest without taking anything.
 */
public final class PausedStreams {
    private static final Logger log = LoggerFactory.getLogger(PausedStreams.class);

    private final int maxPaused;
    /** In the order they paused; touched on the connection's event loop only. */
    private final Set<Channel> paused = new LinkedHashSet<>();

    /**
     * @param budgetBytes what all paused streams of the connection may hold together
     * @param streamWindow what one paused stream may hold: its flow-control window
     */
    public PausedStreams(long budgetBytes, int streamWindow) {
        this.maxPaused = (int) Math.max(1, budgetBytes / streamWindow);
    }

    /** Streams that may be paused at once before the longest paused is reset. */
    public int maxPaused() {
        return maxPaused;
    }

    /** Lets {@code stream} read while its consumer can take more ({@code consumerWritable}), and pauses it if not. */
    public void pace(Channel stream, boolean consumerWritable) {
        if (!stream.eventLoop().inEventLoop()) {
            stream.eventLoop().execute(() -> pace(stream, consumerWritable));
            return;
        }
        stream.config().setAutoRead(consumerWritable);
        if (consumerWritable) {
            paused.remove(stream);
        } else if (paused.add(stream) && paused.size() > maxPaused) {
            resetLongestPaused();
        }
    }

    private void resetLongestPaused() {
        paused.removeIf(stream -> !stream.isActive());
        if (paused.size() <= maxPaused) {
            return;
        }
        Iterator<Channel> oldest = paused.iterator();
        Channel stream = oldest.next();
        oldest.remove();
        log.atWarn().addKeyValue("paused", maxPaused)
                .log("reset the stream paused longest: more streams wait on consumers than the buffer budget allows");
        stream.close();
    }
}
