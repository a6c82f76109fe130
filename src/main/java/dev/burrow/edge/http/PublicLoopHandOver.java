package dev.burrow.edge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;

/**
 * The stream end of a public exchange: it runs on the agent connection's event loop and hands what the stream reads
 * to the public connection's loop, where all the exchange's state lives, so that state is only ever touched by one
 * thread. The messages of one read go over together, in one task: each hand-over may wake the other loop.
 */
abstract class PublicLoopHandOver extends ChannelInboundHandlerAdapter {
    private final EventExecutor publicLoop;
    /** Messages read from the stream and not yet handed over; stream loop only. */
    private List<Object> batch;

    PublicLoopHandOver(EventExecutor publicLoop) {
        this.publicLoop = publicLoop;
    }

    /**
     * Runs on the public loop with the messages of one read (null when the read brought none), in the order read;
     * they are the receiver's to release.
     */
    abstract void deliver(List<Object> messages);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (batch == null) {
            batch = new ArrayList<>(4);
        }
        batch.add(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        handOver();
    }

    /** Hands over what was read so far, before an event that must come after it. */
    final void handOverPending() {
        if (batch != null) {
            handOver();
        }
    }

    private void handOver() {
        List<Object> messages = batch;
        batch = null;
        onPublicLoop(() -> deliver(messages));
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

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
