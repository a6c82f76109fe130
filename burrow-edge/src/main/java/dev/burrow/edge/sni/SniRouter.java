package dev.burrow.edge.sni;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.tcp.PublicConnectionHandler;
import dev.burrow.transport.LoopMove;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Reads the ClientHello of a public TLS connection, without terminating TLS, and hands the connection to the TLS
 * tunnel bound to the server name it carries: the connection moves to the event loop of the tunnel's agent
 * connection, where a {@link PublicConnectionHandler} takes it over and sends the ClientHello's bytes first.
 *
 * <ul>
 *   <li>A ClientHello without a server name, or naming no tunnel: a fatal {@code unrecognized_name} alert, then
 *       close. The connection is never routed to another tunnel.</li>
 *   <li>A ClientHello longer than {@code maxClientHelloLength}, one not complete within {@code timeout}, or bytes
 *       that are not a TLS handshake: close.</li>
 * </ul>
 *
 * <p>The bytes read until then stay in the decoder's buffer, unconsumed; removing this handler passes them on.
 */
final class SniRouter extends AbstractSniHandler<Tunnel> {
    /**
     * A fatal (2) {@code unrecognized_name} (112) alert, RFC 6066 §3, in a record versioned TLS 1.2 as a server's
     * records are before a version is agreed.
     */
    private static final byte[] UNRECOGNIZED_NAME = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 112};

    private final Function<String, Tunnel> routes;
    private final Function<Tunnel, ChannelHandler> takeOver;
    private boolean clientHelloSeen;
    private boolean decided;

    /**
     * @param routes the TLS tunnel bound to a server name, or null
     * @param takeOver the handler that takes a routed connection over, for its tunnel
     */
    SniRouter(int maxClientHelloLength, Duration timeout, Function<String, Tunnel> routes,
                     Function<Tunnel, ChannelHandler> takeOver) {
        super(maxClientHelloLength, timeout.toMillis());
        this.routes = routes;
        this.takeOver = takeOver;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        super.channelActive(ctx);
        // Auto-read is off; the decoder asks for more by itself while the ClientHello is incomplete.
        ctx.read();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        // Once decided, bytes that still arrive (while the connection changes loops) wait in the buffer unparsed.
        if (!decided) {
            super.decode(ctx, in, out);
        }
    }

    @Override
    protected Future<Tunnel> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) throws Exception {
        // Null when the first bytes are not a ClientHello: not TLS, or not the start of a connection.
        clientHelloSeen = clientHello != null;
        return super.lookup(ctx, clientHello);
    }

    @Override
    protected Future<Tunnel> lookup(ChannelHandlerContext ctx, String hostname) {
        return ctx.executor().newSucceededFuture(hostname == null ? null : routes.apply(hostname));
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<Tunnel> future) {
        decided = true;
        Tunnel tunnel = future.getNow();
        if (!clientHelloSeen) {
            ctx.close();
        } else if (tunnel == null) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(UNRECOGNIZED_NAME)).addListener(ChannelFutureListener.CLOSE);
        } else {
            moveTo(ctx, tunnel);
        }
    }

    /**
     * Moves the connection onto the event loop of the agent connection that serves the tunnel (the listener is
     * shared, so it cannot accept there), so that the relay runs on one thread end to end.
     */
    private void moveTo(ChannelHandlerContext ctx, Tunnel tunnel) {
        LoopMove.to(ctx.channel(), tunnel.session().eventLoop(), () -> handOver(ctx, tunnel));
    }

    /** The connection handler goes in first, so that the buffered ClientHello reaches it when this handler leaves. */
    private void handOver(ChannelHandlerContext ctx, Tunnel tunnel) {
        ctx.pipeline().addAfter(ctx.name(), "tunnel", takeOver.apply(tunnel));
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The ClientHello was too long or not TLS: the decoder has closed the connection already.
        ctx.close();
    }
}
