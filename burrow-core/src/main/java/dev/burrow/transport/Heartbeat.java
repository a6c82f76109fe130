package dev.burrow.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an HTTP/2 PING every interval on the parent channel, measures the round trip from its ACK, and closes the
 * connection when {@code missedLimit} pings in a row go unanswered ({@link #TIMED_OUT} first): a silent network drop is
 * otherwise invisible to TCP for minutes. Both sides run one, so each knows its own latency. Consumes PING ACKs;
 * passes everything else.
 */
public final class Heartbeat extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private static final Duration FIRST_PING = Duration.ofSeconds(1);

    /**
     * Fired to the handlers after this one just before it closes a connection whose peer stopped answering, so that
     * the connection's owner can say why it ended.
     */
    public static final Object TIMED_OUT = new Object() {
        @Override
        public String toString() {
            return "Heartbeat.TIMED_OUT";
        }
    };

    private final Duration interval;
    private final int missedLimit;
    private final LongSupplier nanoClock;
    private ScheduledFuture<?> task;
    private long outstandingPayload = -1;
    private long sentAtNanos;
    private int missed;
    private volatile long lastRttNanos = -1;

    public Heartbeat(Duration interval, int missedLimit) {
        this(interval, missedLimit, System::nanoTime);
    }

    Heartbeat(Duration interval, int missedLimit, LongSupplier nanoClock) {
        this.interval = interval;
        this.missedLimit = missedLimit;
        this.nanoClock = nanoClock;
    }

    /** The last measured round trip, or -1 before the first ACK. */
    public long lastRttNanos() {
        return lastRttNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (task == null) {
            long ms = interval.toMillis();
            // The first PING goes early, so that the round trip is known soon after connecting: streams size their
            // receive windows by it (StreamWindow).
            long first = Math.min(ms, FIRST_PING.toMillis());
            task = ctx.executor().scheduleAtFixedRate(() -> tick(ctx), first, ms, TimeUnit.MILLISECONDS);
        }
    }

    void tick(ChannelHandlerContext ctx) {
        if (outstandingPayload != -1) {
            missed++;
            if (missed >= missedLimit) {
                log.atDebug().addKeyValue("remote", ctx.channel().remoteAddress()).addKeyValue("missed", missed)
                        .log("peer stopped answering pings, closing connection");
                ctx.fireUserEventTriggered(TIMED_OUT);
                ctx.close();
                return;
            }
        }
        outstandingPayload = nanoClock.getAsLong();
        sentAtNanos = outstandingPayload;
        ctx.writeAndFlush(new DefaultHttp2PingFrame(outstandingPayload));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2PingFrame ping && ping.ack()) {
            if (ping.content() == outstandingPayload) {
                lastRttNanos = nanoClock.getAsLong() - sentAtNanos;
                outstandingPayload = -1;
                missed = 0;
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void cancel() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
