package dev.burrow.agent;

import dev.burrow.agent.inspect.ExchangeCapture;
import dev.burrow.config.Durations;
import dev.burrow.transport.ErrorPages;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP tunnel stream on the agent, relayed to its tunnel's upstream: what every upstream protocol shares. It is
 * the stream's handler: it counts the stream on its connection while it is open, keeps the stream from reading until
 * the upstream can take the request (parts read before that wait here), gives the upstream the response timeout once
 * it has the whole request, paces each side by the other, and answers with the agent's own error pages; through its
 * {@link ExchangeStream} the inspector's {@link ExchangeCapture} (if any) sees what it reads and writes. A subclass
 * says what a frame of the request is to it, how the upstream is reached, and how the request and the answer cross:
 * {@link Http1UpstreamExchange} converts to HTTP/1.1 over {@link UpstreamPool}'s connections,
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
abstract class UpstreamExchange implements TunnelStream.Handler {
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

    protected final StreamContext context;
    protected final EdgeConnection connection;
    /** The stream's tunnel; null if the connection holds no HTTP tunnel by the edge's id. */
    protected final HttpTunnelOptions tunnel;
    protected final TunnelStream stream;
    /** The stream as the exchange reads and answers it, the inspector told of both. */
    protected final ExchangeStream edge;
    private State state = State.NEW;
    private Channel upstream;
    private ScheduledFuture<?> responseTimer;
    /** Written to the upstream but not yet flushed: a flush per read, not per message. */
    private boolean upstreamDirty;
    /** The request's method and target as the edge sent them, for the line a failure logs. */
    private String requestLine;

    /**
     * @param tunnel  the stream's tunnel; null if the connection holds no HTTP tunnel by the edge's id
     * @param capture the inspector's record of the exchange, or null
     */
    protected UpstreamExchange(StreamContext context, EdgeConnection connection, TunnelStream stream,
                               HttpTunnelOptions tunnel, ExchangeCapture capture) {
        this.context = context;
        this.connection = connection;
        this.stream = stream;
        this.edge = new ExchangeStream(stream, capture);
        this.tunnel = tunnel;
        // It counts until closed() is called, which the stream does exactly once.
        connection.streamOpened();
    }

    /** The request part a HEADERS frame from the edge is: the request's head, or its trailers. */
    protected abstract Object requestPart(Http2Headers headers, boolean endStream) throws Http2Exception;

    /** The request part a DATA frame from the edge is; it takes ownership of {@code data}. */
    protected abstract Object requestPart(ByteBuf data, boolean endStream);

    /** Reaches the upstream for the request whose head this is, then calls {@link #attached}; owns the head. */
    protected abstract void start(Object head);

    /** Writes a request part to the upstream (or releases it); true if it ended the request. */
    protected abstract boolean toUpstream(Channel upstream, Object part);

    /** Lets the upstream read only while the stream can take more. */
    protected abstract void paceUpstream(Channel upstream, boolean streamWritable);

    /** Whether the agent's own answers carry their page: not in answer to a HEAD request, where the edge sees it. */
    protected boolean pageBody() {
        return true;
    }

    /** The edge reset the stream with {@code code} while {@code upstream} was the exchange's. */
    protected void edgeReset(Channel upstream, Http2Error code) {
    }

    /** Releases what the subclass keeps of the exchange. */
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
    public final void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
        edge.requestRead(headers);
        if (state == State.DONE) {
            return;
        }
        if (state == State.NEW) {
            requestLine = headers.method() + " " + headers.path();
        }
        Object part;
        try {
            part = requestPart(headers, endStream);
        } catch (Http2Exception | RuntimeException e) {
            // A header block that is no HTTP message: the stream is broken, and reset.
            log.atDebug().log("tunnel stream failed: {}", e.toString());
            stream.close();
            return;
        }
        received(part);
    }

    @Override
    public final void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
        edge.requestRead(data);
        if (state == State.DONE) {
            data.release();
            return;
        }
        received(requestPart(data, endStream));
    }

    private void received(Object part) {
        switch (state) {
            case NEW -> {
                state = State.CONNECTING;
                // Nothing more is read from the edge until the upstream can take it.
                stream.reading(false);
                if (tunnel == null) {
                    ReferenceCountUtil.release(part);
                    fail(ExchangeFailure.UNKNOWN_TUNNEL, "This agent has no HTTP tunnel with the id the edge sent.");
                } else {
                    start(part);
                }
            }
            case CONNECTING -> {
                // The stream holds what the edge sends until the upstream attaches (it stopped reading above), so
                // no part can come now; one that did would mean the stream broke that promise.
                ReferenceCountUtil.release(part);
                throw new IllegalStateException("a request part was read while the upstream connected");
            }
            default -> forward(part);
        }
    }

    @Override
    public final void readComplete(TunnelStream stream) {
        if (upstreamDirty && upstream != null) {
            flushUpstream();
        }
    }

    /**
     * The upstream can take the request: its head is written (not flushed) on {@code channel}; the stream then reads
     * again, as the upstream can take more. {@code wholeRequest} if the head is all there is to send.
     */
    protected final void attached(Channel channel, boolean wholeRequest) {
        upstream = channel;
        state = State.SENDING;
        paceUpstream(channel, stream.isWritable());
        if (wholeRequest) {
            requestSent();
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
            responseTimer = stream.eventLoop().schedule(this::responseTimedOut, timeoutMs, TimeUnit.MILLISECONDS);
        } else if (state == State.STREAMING) {
            state = State.RESPONDING;
        }
    }

    private void responseTimedOut() {
        if (state == State.AWAITING_RESPONSE) {
            fail(ExchangeFailure.TIMED_OUT, "The upstream at " + upstreamName() + " did not answer within "
                    + Durations.format(context.responseTimeout()) + ".");
        }
    }

    private void cancelResponseTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    /** The tunnel's upstream, as a failure names it. */
    protected final String upstreamName() {
        return tunnel.upstream().toString();
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

    /** Whether the exchange is clean so far: the whole request sent, and the answer begun after it. */
    protected final boolean clean() {
        return state == State.RESPONDING;
    }

    /**
     * The answer reached the stream whole (or the upgraded upstream ended its bytes): its end is flushed, and the
     * exchange is done. An upstream that may carry another exchange must be let go of first ({@link #letGo}): the
     * flush may close the stream, and the stream's close closes the upstream the exchange still holds.
     */
    protected final void answerEnded() {
        edge.flush();
        end();
    }

    /** The upstream is no longer this exchange's: it went back to a pool. */
    protected final void letGo() {
        upstream = null;
    }

    /** The upstream can take more, or not: the stream reads only while it can. */
    protected final void upstreamWritable(boolean writable) {
        if (state != State.DONE) {
            connection.pausedStreams().pace(stream, writable);
        }
    }

    protected final void fail(ExchangeFailure failure, String detail) {
        fail(failure, detail, Http2Error.CANCEL);
    }

    /**
     * The exchange failed, for the reason {@code detail} says in plain words. Before the upstream's answer began the
     * edge gets the agent's page for {@code failure}, which carries its code in {@code Protocol.AGENT_ERROR} for the
     * edge to pass on, and the agent's user a line saying why; after, the stream is reset with {@code reset}, so the
     * edge cuts its client's answer short rather than end it as if complete. Either way the upstream is closed,
     * never pooled. Does nothing once the exchange is done.
     */
    protected final void fail(ExchangeFailure failure, String detail, Http2Error reset) {
        if (state == State.DONE) {
            return;
        }
        boolean answerBegun = state.answerBegun();
        log.atDebug().addKeyValue("failure", failure).addKeyValue("answer_begun", answerBegun).log(detail);
        if (!answerBegun && failure != ExchangeFailure.UNKNOWN_TUNNEL) {
            context.upstreamFailures().failed(upstreamName(), failure, failure.status(), requestLine, detail);
        }
        end();
        if (answerBegun) {
            // What the upstream sent before it failed goes out before the reset does.
            edge.flush();
            stream.reset(reset);
        } else {
            FullHttpResponse page = failure.page(stream.alloc(), ErrorPages.escape(detail));
            if (!pageBody()) {
                // Its Content-Length stays: the length the page would have had, as an answer to HEAD says.
                page.content().clear();
            }
            edge.write(page);
            edge.flush();
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
        releaseKept();
        connection.pausedStreams().pace(stream, true);
    }

    protected final void closeUpstream() {
        if (upstream != null) {
            upstream.close();
        }
    }

    @Override
    public final void writabilityChanged(TunnelStream stream) {
        if (upstream != null) {
            paceUpstream(upstream, stream.isWritable());
        }
    }

    @Override
    public final void closed(TunnelStream stream, Http2Error resetBy) {
        edge.closed();
        if (resetBy != null && upstream != null) {
            edgeReset(upstream, resetBy);
        }
        end();
        // The edge reset the stream, or the exchange is over: either way the upstream is done with, unless it went
        // back to a pool.
        closeUpstream();
        connection.streamClosed();
    }
}
