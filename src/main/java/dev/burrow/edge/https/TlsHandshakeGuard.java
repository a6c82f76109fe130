package dev.burrow.edge.https;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the TLS handshake of a public connection, from accept until TLS is up, in time and in bytes read: a client
 * that stalls, dribbles, or keeps sending while its certificate is being issued is closed. Sits in front of the TLS
 * handlers, so it counts raw bytes; whoever sees the handshake succeed removes it. Passes every message on.
 */
final class TlsHandshakeGuard extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TlsHandshakeGuard.class);
    /** A ClientHello and the client's second flight fit many times over. */
    static final int MAX_HANDSHAKE_BYTES = 64 * 1024;

    private final long timeoutMillis;
    private long bytesRead;
    private ScheduledFuture<?> deadline;

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

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel(false);
    }
}
