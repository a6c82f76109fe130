package dev.burrow.edge.https;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the TLS handshake of a public connection, from accept until TLS is up, in time and in bytes read: a client
 * that stalls, dribbles, or keeps sending while its certificate is being issued is closed. Sits in front of the TLS
 * handlers, so it counts raw bytes; whoever sees the handshake succeed removes it. Passes every message on until a
 * handshake fails; then it ends the connection so that the client reads the alert ({@link #close}).
 */
final class TlsHandshakeGuard extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(TlsHandshakeGuard.class);
    /** A ClientHello and the client's second flight fit many times over. */
    static final int MAX_HANDSHAKE_BYTES = 64 * 1024;

    private final long timeoutMillis;
    private long bytesRead;
    private ScheduledFuture<?> deadline;
    /** The handshake failed and the output ended after its alert: input is dropped until the connection closes. */
    private boolean lingering;

    TlsHandshakeGuard(Duration timeout) {
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            log.atDebug().addKeyValue("remote", ctx.channel().remoteAddress()).log("TLS handshake timed out");
            ctx.close();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (lingering) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf bytes) {
            bytesRead += bytes.readableBytes();
            if (bytesRead > MAX_HANDSHAKE_BYTES) {
                ReferenceCountUtil.release(msg);
                log.atDebug().addKeyValue("remote", ctx.channel().remoteAddress())
                        .log("TLS handshake too large, closing");
                ctx.close();
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * Closes, unless the handshake failed. A failed handshake's alert has been flushed; a client that sent more
     * meanwhile (a TLS 1.3 client sends its request right after its Finished, before it reads the server's verdict
     * on its certificate) would get a reset for the bytes left unread, and a reset can make its kernel drop the
     * alert unread. So the output ends after the alert, what still comes is dropped, and the connection closes when
     * the client closes its side, or at the handshake's deadline; the closes asked for meanwhile wait for that.
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (lingering) {
            ctx.channel().closeFuture().addListener(closed -> promise.trySuccess());
            return;
        }
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        boolean failed = tls != null && tls.handshakeFuture().isDone() && !tls.handshakeFuture().isSuccess();
        if (!failed || !(ctx.channel() instanceof DuplexChannel socket) || !socket.isActive()) {
            ctx.close(promise);
            return;
        }
        lingering = true;
        ctx.channel().closeFuture().addListener(closed -> promise.trySuccess());
        // Written from here, the empty write completes once the alert queued before it has gone out.
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
            if (written.isSuccess()) {
                socket.shutdownOutput();
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel(false);
    }
}
