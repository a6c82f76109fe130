package dev.burrow.edge.http;

import io.netty.channel.ChannelFuture;

/**
 * One exchange as the edge's drain counts it: in flight from the opening of its tunnel stream until its response's
 * last bytes were written to the client's connection, not merely queued for it. A drain that ends when no exchange is
 * in flight thus never closes a slow client's connection with part of its response still queued; a write that fails
 * because the connection closed ends the exchange too. Used on the public connection's loop only.
 */
final class InFlight {
    private final HttpEdge edge;
    private ChannelFuture lastWrite;
    private boolean ended;

    /** Counts a new exchange in flight. */
    InFlight(HttpEdge edge) {
        this.edge = edge;
        edge.exchangeStarted();
    }

    /** Notes a write of the response to the client; writes complete in order, so the last one stands for all. */
    void wrote(ChannelFuture write) {
        lastWrite = write;
    }

    /** The exchange needs nothing more: it stops counting once its last write is done, or now if there was none. */
    void end() {
        if (ended) {
            return;
        }
        ended = true;
        if (lastWrite == null) {
            edge.exchangeEnded();
        } else {
            lastWrite.addListener(done -> edge.exchangeEnded());
        }
    }
}
