package dev.burrow.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The two ways a connection is ended on purpose besides an ordinary close: lingering, so that the peer still reads
 * everything written to it, and reset, so that the peer cannot take a cut for an orderly end.
 */
public final class ConnectionClose {
    private ConnectionClose() {
    }

    /**
     * Closes {@code channel} at the latest {@code linger} from now, letting its peer read what was written first; from
     * any thread. A socket closed while its peer still sends (an HTTP/2 client returning window as it reads, say)
     * answers those bytes with a reset, and a reset makes the peer's kernel drop what it received but had not read
     * yet: the end of a response. So the output ends after what was written (after TLS's close_notify on a TLS
     * connection), then what the peer still sends is read and dropped, unseen by the pipeline, until the peer closes
     * its side or the linger runs out; only then is the socket closed.
     */
    public static void lingering(Channel channel, Duration linger) {
        channel.eventLoop().execute(() -> linger(channel, linger));
    }

    /**
     * Cuts {@code channel} with a TCP reset, from any thread: what is still queued is dropped, and the peer sees the
     * connection reset rather than ended.
     */
    public static void reset(Channel channel) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> reset(channel));
            return;
        }
        if (channel.isActive()) {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        channel.close();
    }

    private static void linger(Channel channel, Duration linger) {
        if (!(channel instanceof DuplexChannel socket) || !socket.isActive() || socket.isOutputShutdown()
                || linger.isZero() || linger.isNegative()) {
            channel.close();
            return;
        }
        channel.eventLoop().schedule((Runnable) channel::close, linger.toNanos(), TimeUnit.NANOSECONDS);
        channel.pipeline().addFirst("linger", new DropInput());
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        // Written from the front of the pipeline, the empty write completes once what is queued has gone out.
        ChannelFuture written = tls != null ? tls.closeOutbound()
                : channel.pipeline().context("linger").writeAndFlush(Unpooled.EMPTY_BUFFER);
        written.addListener(done -> {
            if (done.isSuccess()) {
                socket.shutdownOutput();
            } else {
                channel.close();
            }
        });
        channel.config().setAutoRead(true);
        channel.read();
    }

    /** Releases what the peer sends and closes once it sends no more; nothing behind it sees any of it. */
    private static final class DropInput extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // Handlers behind would ask for reads of their own; auto-read is on.
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            // A connection that allows half-closure reports its peer's end here; the others close by themselves.
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.close();
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
