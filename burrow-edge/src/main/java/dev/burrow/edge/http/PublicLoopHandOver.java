package dev.burrow.edge.http;

import dev.burrow.transport.TunnelStream;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;

/**
 * The stream end of a public exchange: it runs on the agent connection's event loop and hands what the stream reads
 * to the public connection's loop, where all the exchange's state lives, so that state is only ever touched by one
 * thread. The messages of one read of the agent connection go over together, in one task, at the read's end: each
 * hand-over may wake the other loop.
 */
abstract class PublicLoopHandOver implements TunnelStream.Handler {
    private final EventExecutor publicLoop;
    /** Messages read from the stream and not yet handed over; stream loop only. */
    private List<Object> batch;

    PublicLoopHandOver(EventExecutor publicLoop) {
        this.publicLoop = publicLoop;
    }

    /** Runs on the public loop with the messages of one read, in the order read; they are the receiver's to release. */
    abstract void deliver(List<Object> messages);

    /** Adds a message read from the stream to those the end of this read hands over. */
    final void add(Object msg) {
        if (batch == null) {
            batch = new ArrayList<>(4);
        }
        batch.add(msg);
    }

    @Override
    public void readComplete(TunnelStream stream) {
        handOverPending();
    }

    /** Hands over what was read so far, before an event that must come after it. */
    final void handOverPending() {
        if (batch != null) {
            List<Object> messages = batch;
            batch = null;
            onPublicLoop(() -> deliver(messages));
        }
    }

    /**
     * Runs on the public connection's loop: at once when that is this stream's loop too (the connection moved to
     * its agent's loop), else as a task there.
     */
    final void onPublicLoop(Runnable work) {
        if (publicLoop.inEventLoop()) {
            work.run();
        } else {
            publicLoop.execute(work);
        }
    }
}
