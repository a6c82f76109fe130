package dev.burrow.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a client may take to send a request's headers once it has sent the first byte of them
 * (slowloris). Sits before the HTTP decoder so it sees raw bytes; the request handler says when headers are complete
 * and when the next request may begin. On expiry it fires {@link #EXPIRED} down the pipeline.
 */
final class HeaderReadTimeout extends ChannelInboundHandlerAdapter {
    static final Object EXPIRED = new Object() {
        @Override
        public String toString() {
            return "HEADER_READ_TIMEOUT";
        }
    };

    private final long timeoutMillis;
    private boolean awaitingHeaders = true;
    private ScheduledFuture<?> timer;

    HeaderReadTimeout(Duration timeout) {
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (awaitingHeaders && timer == null && msg instanceof ByteBuf buf && buf.isReadable()) {
            timer = ctx.executor().schedule(() -> ctx.fireUserEventTriggered(EXPIRED), timeoutMillis,
                    TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    /** The request's headers arrived: stop the clock. */
    void headersReceived() {
        awaitingHeaders = false;
        cancel();
    }

    /** The previous exchange ended: the clock starts again at the next request's first byte. */
    void awaitNextRequest() {
        awaitingHeaders = true;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
