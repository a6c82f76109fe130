package dev.burrow.edge.observe;

import dev.burrow.edge.Tunnel;
import dev.burrow.transport.ClientAddress;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Observes one public connection of a TCP or TLS tunnel for an {@link ExchangeObserver}: counts the bytes read from
 * and written to the client, and tells the observer when the connection is routed and when it closes. Sits in front
 * of the connection's relay, which it never changes: every message passes on as it came.
 */
public final class ConnectionTap extends ChannelDuplexHandler {
    private final ExchangeObserver observer;
    private final ExchangeRecord.Protocol protocol;
    private Tunnel tunnel;
    private ExchangeRecord record;

    /** @param tunnel the connection's tunnel, or null until {@link #routed} says it (a TLS connection) */
    public ConnectionTap(ExchangeObserver observer, ExchangeRecord.Protocol protocol, Tunnel tunnel) {
        this.observer = observer;
        this.protocol = protocol;
        this.tunnel = tunnel;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // Added once the connection is active, behind a PROXY header that named its client when one was due.
        record = new ExchangeRecord(protocol, ClientAddress.of(ctx.channel()), tunnel);
        if (tunnel != null) {
            observer.started(record);
        }
    }

    /** The connection's ClientHello named {@code routed}; called on the connection's event loop. */
    public void routed(Tunnel routed) {
        if (record != null && record.tunnel() == null) {
            record.routed(routed);
            observer.started(record);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            record.received(bytes.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf bytes) {
            record.sent(bytes.readableBytes());
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (record.end(true)) {
            observer.ended(record);
        }
        ctx.fireChannelInactive();
    }
}
