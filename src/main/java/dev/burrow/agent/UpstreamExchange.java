package dev.burrow.agent;

import dev.burrow.protocol.ErrorCode;
import dev.burrow.transport.ErrorPages;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP tunnel stream on the agent, relayed to its tunnel's upstream: what every upstream protocol shares. It
 * counts the stream on its connection while it is open, holds request parts that come before the upstream can take
 * them, gives the upstream the response timeout once it has the whole request, paces each side by the other, and
 * answers with the agent's own error pages. A subclass says how the upstream is reached and how the request and the
 * answer cross: {@link Http1UpstreamExchange} converts to HTTP/1.1 over {@link UpstreamPool}'s connections,
 * {@link Http2UpstreamExchange} passes frames to a stream of {@link Http2Upstreams}' connections.
 *
 * <p>The upstream's connection or stream shares the tunnel stream's event loop, so everything here runs on one
 * thread. Backpressure: the tunnel stream reads only while the upstream can take more, through the connection's
 * {@link dev.burrow.transport.PausedStreams}, and the upstream reads only while the tunnel stream can.
 *
 * <p>Failures take one path, {@link #fail}: the edge gets the agent's error page if the upstream's answer has not
 * begun, or a reset if it has; the exchange releases what it holds and closes the upstream, which never goes back to
 * a pool. Passes request parts to the upstream and answer parts to the stream; releases what it drops.
 */
abstract class UpstreamExchange extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(UpstreamExchange.class);

    /** Where an exchange is. It only moves down this list, but for a retry on a fresh connection (CONNECTING). */
    enum State {
        /** The stream opened; the request's head has not come yet. */
        NEW,
        /** The upstream is being reached; request parts wait. */
        CONNECTING,
        /** The upstream has the request's head; request parts go on as they come. */
        SENDING,
        /** The upstream has the whole request and the response timeout to begin its answer. */
        AWAITING_RESPONSE,
        /** The answer began before the request ended: both go on at once. */
        STREAMING,
        /** The upstream has the whole request, and its answer goes to the edge. */
        RESPONDING,
        /** The upstream switched protocols (an HTTP/1.1 upgrade): bytes both ways until either side ends. */
        UPGRADED,
        /** Answered, failed or closed: whatever more comes from either side is released. */
        DONE;

        boolean answerBegun() {
            return this == STREAMING || this == RESPONDING || this == UPGRADED;
        }
    }

    /** What went wrong, as the agent's error page says it when the upstream's answer has not begun. */
    enum Failure {
        /** The connection holds no HTTP tunnel by the id the edge sent: it was closed after the stream opened. */
        UNKNOWN_TUNNEL(HttpResponseStatus.BAD_GATEWAY, ErrorCode.BAD_MESSAGE, "Unknown tunnel"),
        /** The upstream refused, could not be reached, or failed TLS. */
        UNREACHABLE(HttpResponseStatus.BAD_GATEWAY, ErrorCode.UPSTREAM_UNREACHABLE, "Bad Gateway"),
        /** The upstream did not begin its answer within the response timeout. */
        TIMED_OUT(HttpResponseStatus.GATEWAY_TIMEOUT, ErrorCode.UPSTREAM_TIMEOUT, "Gateway Timeout"),
        /** The upstream closed, reset, or answered with something that is not HTTP. */
        BROKEN(HttpResponseStatus.BAD_GATEWAY, ErrorCode.UPSTREAM_PROTOCOL, "Bad Gateway");

        private final HttpResponseStatus status;
        private final ErrorCode code;
        private final String title;

        Failure(HttpResponseStatus status, ErrorCode code, String title) {
            this.status = status;
            this.code = code;
            this.title = title;
        }
    }

    protected final StreamContext context;
    protected final EdgeConnection connection;
    /** The stream's tunnel; null if the connection holds no HTTP tunnel by the edge's id. */
    protected final HttpTunnelOptions tunnel;
    protected ChannelHandlerContext stream;
    private State state = State.NEW;
    /** Request parts that came before the upstream could take them. */
    private final Queue<Object> early = new ArrayDeque<>();
    private Channel upstream;
    private ScheduledFuture<?> responseTimer;
    /** Written but not yet flushed, to the upstream and to the stream: a flush per read, not per message. */
    private boolean upstreamDirty;
    private boolean streamDirty;

    protected UpstreamExchange(StreamContext context, EdgeConnection connection, HttpTunnelOptions tunnel) {
        this.context = context;
        this.connection = connection;
        this.tunnel = tunnel;
    }

    /** Reaches the upstream for the request whose head this is, then calls {@link #attached}; owns the head. */
    protected abstract void start(Object head);

    /** Writes a request part to the upstream (or releases it); true if it ended the request. */
    protected abstract boolean toUpstream(Channel upstream, Object part);

    /** Sends the agent's own answer on the stream; owns it. */
    protected abstract void answer(FullHttpResponse page);

    /** Lets the upstream read only while the stream can take more. */
    protected abstract void paceUpstream(Channel upstream, boolean streamWritable);

    /** Releases what the subclass keeps beyond the early request parts. */
    protected void releaseKept() {
    }

    protected final State state() {
        return state;
    }

    /** The upstream connection or stream once attached, until the exchange lets go of it; else null. */
    protected final Channel upstream() {
        return upstream;
    }

    @Override
    public final void handlerAdded(ChannelHandlerContext ctx) {
        this.stream = ctx;
        connection.streamOpened();
        // Nothing more is read from the edge until the upstream can take it.
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (state) {
            case NEW -> {
                state = State.CONNECTING;
                if (tunnel == null) {
                    ReferenceCountUtil.release(msg);
                    fail(Failure.UNKNOWN_TUNNEL, "This agent has no HTTP tunnel with the id the edge sent.");
                } else {
                    start(msg);
                }
            }
            case CONNECTING -> early.add(msg);
            case DONE -> ReferenceCountUtil.release(msg);
            default -> forward(msg);
        }
    }

    @Override
    public final void channelReadComplete(ChannelHandlerContext ctx) {
        if (upstreamDirty && upstream != null) {
            flushUpstream();
        }
        ctx.fireChannelReadComplete();
    }

    /**
     * The upstream can take the request: its head is written (not flushed) on {@code channel}; the parts that came
     * meanwhile follow it. {@code wholeRequest} if the head is all there is to send.
     */
    protected final void attached(Channel channel, boolean wholeRequest) {
        upstream = channel;
        state = State.SENDING;
        paceUpstream(channel, stream.channel().isWritable());
        if (wholeRequest) {
            requestSent();
        }
        Object part;
        while ((part = early.poll()) != null) {
            forward(part);
        }
        flushUpstream();
        upstreamWritable(channel.isWritable());
    }

    private void forward(Object part) {
        if (toUpstream(upstream, part)) {
            // A stream that has ended both ways closes before its read completes: flush now, not then.
            flushUpstream();
            requestSent();
            return;
        }
        upstreamDirty = true;
        if (!upstream.isWritable()) {
            upstreamWritable(false);
        }
    }

    private void flushUpstream() {
        upstreamDirty = false;
        upstream.flush();
    }

    private void requestSent() {
        if (state == State.SENDING) {
            state = State.AWAITING_RESPONSE;
            long timeoutMs = context.responseTimeout().toMillis();
            responseTimer = stream.executor().schedule(this::responseTimedOut, timeoutMs, TimeUnit.MILLISECONDS);
        } else if (state == State.STREAMING) {
            state = State.RESPONDING;
        }
    }

    private void responseTimedOut() {
        if (state == State.AWAITING_RESPONSE) {
            fail(Failure.TIMED_OUT, "The upstream at <code>" + upstreamName() + "</code> did not answer within "
                    + context.responseTimeout().toSeconds() + "s.");
        }
    }

    private void cancelResponseTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    /** The tunnel's upstream, as an error page shows it. */
    protected final String upstreamName() {
        return ErrorPages.escape(tunnel.upstream().toString());
    }

    /** A pooled connection was closed under the whole request: it goes once more, fresh, through {@link #attached}. */
    protected final void reconnecting() {
        cancelResponseTimer();
        upstream = null;
        state = State.CONNECTING;
    }

    /** The upstream's final answer began (not an interim 1xx): it has no timeout from now on. */
    protected final void answerBegins() {
        cancelResponseTimer();
        state = state == State.SENDING ? State.STREAMING : State.RESPONDING;
    }

    /** The upstream switched protocols: from now bytes go both ways. */
    protected final void upgraded() {
        cancelResponseTimer();
        state = State.UPGRADED;
    }

    /** Writes part of the answer on the stream; it is flushed by {@link #flushStream} or the answer's end. */
    protected final void toStream(Object part) {
        stream.write(part);
        streamDirty = true;
    }

    protected final void flushStream() {
        if (streamDirty) {
            streamDirty = false;
            stream.flush();
        }
    }

    /**
     * The answer reached the stream whole (or the upgraded upstream ended its bytes). True if the exchange was clean,
     * the whole request sent and the whole answer read, so that the upstream connection may carry another.
     */
    protected final boolean answerEnded() {
        boolean clean = state == State.RESPONDING;
        flushStream();
        end();
        return clean;
    }

    /** The upstream is no longer this exchange's: it went back to a pool. */
    protected final void letGo() {
        upstream = null;
    }

    /** The upstream can take more, or not: the stream reads only while it can. */
    protected final void upstreamWritable(boolean writable) {
        if (state != State.DONE) {
            connection.pausedStreams().pace(stream.channel(), writable);
        }
    }

    protected final void fail(Failure failure, String detail) {
        fail(failure, detail, Http2Error.CANCEL);
    }

    /**
     * The exchange failed. Before the upstream's answer began the edge gets the agent's page for {@code failure},
     * which carries its code in {@code Protocol.AGENT_ERROR} for the edge to pass on; after, the stream is reset with
     * {@code reset}, so the edge cuts its client's answer short rather than end it as if complete. Either way the
     * upstream is closed, never pooled. Does nothing once the exchange is done.
     */
    protected final void fail(Failure failure, String detail, Http2Error reset) {
        if (state == State.DONE) {
            return;
        }
        boolean answerBegun = state.answerBegun();
        log.atDebug().addKeyValue("failure", failure).addKeyValue("answer_begun", answerBegun).log(detail);
        end();
        if (answerBegun) {
            // What the upstream sent before it failed goes out before the reset does.
            flushStream();
            stream.writeAndFlush(new DefaultHttp2ResetFrame(reset));
        } else {
            answer(ErrorPages.page(stream.alloc(), failure.status, failure.code.wireName(), failure.title, detail));
        }
        closeUpstream();
    }

    /**
     * Nothing more goes either way. Reading resumes so that the rest of the request is drained and released and the
     * stream's end (or reset) is seen: a stream that never reads again would never close.
     */
    private void end() {
        state = State.DONE;
        cancelResponseTimer();
        Object part;
        while ((part = early.poll()) != null) {
            ReferenceCountUtil.release(part);
        }
        releaseKept();
        connection.pausedStreams().pace(stream.channel(), true);
    }

    protected final void closeUpstream() {
        if (upstream != null) {
            upstream.close();
        }
    }

    @Override
    public final void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (upstream != null) {
            paceUpstream(upstream, ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public final void channelInactive(ChannelHandlerContext ctx) {
        end();
        // The edge reset the stream, or the exchange is over: either way the upstream is done with, unless it went
        // back to a pool.
        closeUpstream();
        connection.streamClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug().log("tunnel stream failed: {}", cause.toString());
        ctx.close();
    }
}
