package dev.burrow.edge.http;

import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request-body timeout of a public HTTP/2 stream, as {@link RequestBodyTimeout} is HTTP/1.1's: a body that stops
 * or dribbles would hold a stream to the agent, and an upstream connection behind it, for as long as the connection
 * lives, and one connection carries many streams. Sits in front of the stream's own handler and passes every call on.
 *
 * <p>A body starts with {@code timeout} of credit. Every tick spent while the stream reads uses a tick of it; time
 * the edge holds the client back (the stream not reading, its window closed because the agent cannot take more) does
 * not count. Every byte received adds {@code 1 / minBytesPerSecond} s, never beyond {@code timeout} (with a rate of 0
 * any byte restores it all). When the credit runs out the stream's handler answers {@code 408 body_timeout} if the
 * agent's answer has not begun, and resets the stream otherwise; either way the agent's stream is reset. A tick is a
 * quarter of the timeout, at most a second: the cut comes up to a tick late.
 *
 * <p>gRPC requests are left alone: a client stream may send a small message now and then for as long as the call
 * lasts, which is what the protocol is for, and the connection's own timeouts still bound a silent connection.
 */
final class StreamBodyTimeout implements TunnelStream.Handler {
    private static final Logger log = LoggerFactory.getLogger(StreamBodyTimeout.class);
    private static final long MAX_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final AsciiString GRPC = AsciiString.cached("application/grpc");

    private final PublicHttp2Stream next;
    private final long timeoutNanos;
    private final long tickNanos;
    private final int minBytesPerSecond;
    private TunnelStream stream;
    private long creditNanos;
    private ScheduledFuture<?> ticker;

    StreamBodyTimeout(PublicHttp2Stream next, Duration timeout, int minBytesPerSecond) {
        this.next = next;
        this.timeoutNanos = timeout.toNanos();
        this.tickNanos = Math.max(1, Math.min(MAX_TICK_NANOS, timeoutNanos / 4));
        this.minBytesPerSecond = minBytesPerSecond;
    }

    @Override
    public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
        if (this.stream == null && !endStream && timeoutNanos > 0 && !isGrpc(headers)) {
            this.stream = stream;
            creditNanos = timeoutNanos;
            ticker = stream.eventLoop().scheduleAtFixedRate(this::tick, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
        } else if (endStream) {
            stop();
        }
        next.headersRead(stream, headers, endStream);
    }

    @Override
    public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
        if (ticker != null) {
            creditNanos = RequestBodyTimeout.credit(creditNanos, data.readableBytes(), timeoutNanos,
                    minBytesPerSecond);
            if (endStream) {
                stop();
            }
        }
        next.dataRead(stream, data, endStream);
    }

    private static boolean isGrpc(Http2Headers headers) {
        CharSequence type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && AsciiString.regionMatches(type, true, 0, GRPC, 0, GRPC.length());
    }

    private void tick() {
        if (!stream.isReading()) {
            return;
        }
        creditNanos -= tickNanos;
        if (creditNanos <= 0) {
            stop();
            log.atInfo().addKeyValue("stream", stream.id()).log("request body too slow");
            next.bodyTimedOut();
        }
    }

    private void stop() {
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
    }

    @Override
    public void readComplete(TunnelStream stream) {
        next.readComplete(stream);
    }

    @Override
    public void writabilityChanged(TunnelStream stream) {
        next.writabilityChanged(stream);
    }

    @Override
    public void closed(TunnelStream stream, Http2Error resetBy) {
        stop();
        next.closed(stream, resetBy);
    }
}
