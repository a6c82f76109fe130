package dev.burrow.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Bounds how slowly a client may send a request body: one that dribbles or stops holds a stream to the agent, and an
 * upstream connection behind it, for as long as the connection lives. Sits before the HTTP decoder, so it sees the
 * raw bytes and the read requests going out; the request handler says when a body is expected and when it is done.
 *
 * <p>The clock runs only while a read has been asked for and no bytes have come: time the edge holds the client back
 * itself (the agent cannot take more) does not count. A body starts with {@code timeout} of credit; waiting uses it
 * up, and every byte received adds {@code 1 / minBytesPerSecond} s, never beyond {@code timeout}. So a body that stops
 * is cut after {@code timeout}, and one sent slower than {@code minBytesPerSecond} soon after; with a rate of 0 any
 * byte restores the whole timeout. When the credit runs out, {@link #EXPIRED} is fired down the pipeline, once.
 *
 * <p>Passes every message and read request on unchanged.
 */
final class RequestBodyTimeout extends ChannelDuplexHandler {
    static final Object EXPIRED = new Object() {
        @Override
        public String toString() {
            return "REQUEST_BODY_TIMEOUT";
        }
    };

    private enum Clock { OFF, PAUSED, RUNNING }

    private final long timeoutNanos;
    /** 0 for no minimum rate. */
    private final int minBytesPerSecond;
    private final LongSupplier nanoClock;
    private ChannelHandlerContext ctx;
    private Clock clock = Clock.OFF;
    /** The credit left, while the clock is paused. */
    private long creditNanos;
    /** When the credit runs out, while the clock runs. */
    private long deadline;
    private ScheduledFuture<?> timer;

    RequestBodyTimeout(Duration timeout, int minBytesPerSecond) {
        this(timeout, minBytesPerSecond, System::nanoTime);
    }

    RequestBodyTimeout(Duration timeout, int minBytesPerSecond, LongSupplier nanoClock) {
        this.timeoutNanos = timeout.toNanos();
        this.minBytesPerSecond = minBytesPerSecond;
        this.nanoClock = nanoClock;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** A request body is to be read: its credit is full, and the clock starts at the next read request. */
    void expectBody() {
        cancel();
        clock = Clock.PAUSED;
        creditNanos = timeoutNanos;
    }

    /** The body is complete, or no longer read: the clock stops for good. */
    void bodyDone() {
        clock = Clock.OFF;
        cancel();
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (clock == Clock.PAUSED) {
            clock = Clock.RUNNING;
            deadline = nanoClock.getAsLong() + creditNanos;
            if (timer == null) {
                schedule(creditNanos);
            }
        }
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (clock == Clock.RUNNING && msg instanceof ByteBuf bytes) {
            // Before passing the bytes on: the handler behind asks for the next read while it takes them.
            long left = Math.max(0, deadline - nanoClock.getAsLong());
            creditNanos = credit(left, bytes.readableBytes(), timeoutNanos, minBytesPerSecond);
            clock = Clock.PAUSED;
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * The credit once {@code bytes} came with {@code leftNanos} of it left: each byte earns
     * {@code 1 / minBytesPerSecond} s (with a rate of 0, any byte earns it all), never beyond {@code timeoutNanos}.
     * HTTP/2's {@link StreamBodyTimeout} keeps the same account.
     */
    static long credit(long leftNanos, int bytes, long timeoutNanos, int minBytesPerSecond) {
        long earned = minBytesPerSecond == 0 ? timeoutNanos : bytes * TimeUnit.SECONDS.toNanos(1) / minBytesPerSecond;
        return Math.min(timeoutNanos, leftNanos + earned);
    }

    /**
     * Runs at or before the deadline: the deadline only moves later while a timer is pending (credit is spent no
     * faster than time passes), so a timer that finds credit left is set again for the rest.
     */
    private void check() {
        timer = null;
        if (clock != Clock.RUNNING) {
            return;
        }
        long left = deadline - nanoClock.getAsLong();
        if (left > 0) {
            schedule(left);
            return;
        }
        clock = Clock.OFF;
        ctx.fireUserEventTriggered(EXPIRED);
    }

    private void schedule(long delayNanos) {
        timer = ctx.executor().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        bodyDone();
        ctx.fireChannelInactive();
    }
}
