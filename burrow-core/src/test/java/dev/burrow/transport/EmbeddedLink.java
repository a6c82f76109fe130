package dev.burrow.transport;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Two in-memory connections joined as if by a socket: what one writes, the other reads. Tests of the stream layer run
 * an HTTP/2 codec and a {@link StreamMux} on each.
 */
public final class EmbeddedLink {
    private EmbeddedLink() {
    }

    /** Hands the bytes each side wrote to the other until neither has more; a closed side's share is released. */
    public static void exchange(EmbeddedChannel one, EmbeddedChannel other) {
        boolean moved = true;
        while (moved) {
            moved = pass(one, other) | pass(other, one);
        }
    }

    private static boolean pass(EmbeddedChannel from, EmbeddedChannel to) {
        from.runPendingTasks();
        boolean moved = false;
        for (Object bytes; (bytes = from.readOutbound()) != null; moved = true) {
            if (to.isOpen()) {
                to.writeInbound(bytes);
            } else {
                ReferenceCountUtil.release(bytes);
            }
        }
        to.runPendingTasks();
        return moved;
    }
}
