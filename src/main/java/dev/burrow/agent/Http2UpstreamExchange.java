package dev.burrow.agent;

import dev.burrow.protocol.ErrorCode;
import dev.burrow.transport.ErrorPages;
import dev.burrow.transport.HopByHopHeaders;
import dev.burrow.transport.Http2Answers;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tunnel stream on the agent for an upstream that speaks HTTP/2: opens a stream on the upstream's shared
 * connection ({@link Http2Upstreams}) and relays frames both ways as they are, HEADERS, DATA, trailers, and resets
 * with their error code, so that gRPC status, streaming and cancellation pass end to end. Tunnel stream and upstream
 * stream run on one event loop. Backpressure: each stream reads only while the other can take more, paced through
 * the connection's {@link dev.burrow.transport.PausedStreams}.
 *
 * <p>Relays frames as new frames holding the same buffers; releases what it drops.
 */
final class Http2UpstreamExchange extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Http2UpstreamExchange.class);

    private final StreamContext context;
    private final EdgeConnection connection;
    private ChannelHandlerContext stream;
    private final HttpTunnelOptions tunnel;
    private boolean started;
    private boolean headRequest;
    /** Frames from the edge that came before the upstream stream opened. */
    private final Queue<Object> beforeOpen = new ArrayDeque<>();
    private Http2StreamChannel upstream;
    private boolean upstreamDirty;
    private boolean requestEnded;
    private boolean responseStarted;
    private boolean responseEnded;
    private ScheduledFuture<?> responseTimer;

    /** @param tunnel the stream's tunnel, whose upstream speaks HTTP/2 */
    Http2UpstreamExchange(StreamContext context, EdgeConnection connection, HttpTunnelOptions tunnel) {
        this.context = context;
        this.connection = connection;
        this.tunnel = tunnel;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.stream = ctx;
        connection.streamOpened();
        // Nothing more is read from the edge until the upstream stream can take it.
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!started && msg instanceof Http2HeadersFrame headers) {
            started = true;
            start(headers);
        } else if (responseEnded || !(msg instanceof Http2DataFrame || msg instanceof Http2HeadersFrame)) {
            // Answered already (an error page), or a frame that carries nothing to relay.
            ReferenceCountUtil.release(msg);
        } else if (upstream == null) {
            beforeOpen.add(msg);
        } else {
            toUpstream(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (upstreamDirty) {
            upstreamDirty = false;
            upstream.flush();
        }
        ctx.fireChannelReadComplete();
    }

    private void start(Http2HeadersFrame frame) {
        Http2Headers headers = frame.headers();
        requestEnded = frame.isEndStream();
        headRequest = AsciiString.contentEquals(HttpMethod.HEAD.asciiName(), headers.method());
        HopByHopHeaders.strip(headers);
        HopByHopHeaders.stripInternal(headers);
        Upstream target = tunnel.upstream();
        if ("rewrite".equals(tunnel.hostHeader())) {
            headers.authority(target.host() + ":" + target.port());
        } else if (tunnel.hostHeader() != null) {
            headers.authority(tunnel.hostHeader());
        }
        UpstreamPool.Key key = new UpstreamPool.Key(stream.channel().eventLoop(), target, tunnel.verifyUpstreamTls());
        context.http2Upstreams().openStream(key, new UpstreamEnd())
                .addListener(future -> opened(future, new DefaultHttp2HeadersFrame(headers, frame.isEndStream())));
    }

    private void opened(Future<?> opened, Http2HeadersFrame headers) {
        if (!opened.isSuccess()) {
            releaseQueued();
            String reason = Causes.describe(opened.cause());
            log.atDebug().addKeyValue("upstream", tunnel.upstream()).log("upstream unreachable: {}", reason);
            respondError(HttpResponseStatus.BAD_GATEWAY, ErrorCode.UPSTREAM_UNREACHABLE, "Bad Gateway",
                    "The agent could not reach its HTTP/2 upstream at <code>"
                            + ErrorPages.escape(tunnel.upstream().toString()) + "</code>: "
                            + ErrorPages.escape(reason) + ".");
            return;
        }
        Http2StreamChannel child = (Http2StreamChannel) opened.getNow();
        if (!stream.channel().isActive()) {
            releaseQueued();
            child.close();
            return;
        }
        upstream = child;
        upstream.write(headers);
        Object queued;
        while ((queued = beforeOpen.poll()) != null) {
            toUpstream(queued);
        }
        upstreamDirty = false;
        upstream.flush();
        if (requestEnded) {
            startResponseTimer();
        }
        connection.pausedStreams().pace(stream.channel(), upstream.isWritable());
    }

    private void toUpstream(Object msg) {
        boolean end;
        if (msg instanceof Http2DataFrame data) {
            end = data.isEndStream();
            upstream.write(new DefaultHttp2DataFrame(data.content(), end));
        } else {
            Http2HeadersFrame trailers = (Http2HeadersFrame) msg;
            end = trailers.isEndStream();
            HopByHopHeaders.strip(trailers.headers());
            HopByHopHeaders.stripInternal(trailers.headers());
            upstream.write(new DefaultHttp2HeadersFrame(trailers.headers(), end));
        }
        upstreamDirty = true;
        if (end) {
            // A stream that has ended both ways closes before its read completes: flush now, not then.
            upstreamDirty = false;
            upstream.flush();
            if (!requestEnded) {
                requestEnded = true;
                startResponseTimer();
            }
        } else if (!upstream.isWritable()) {
            connection.pausedStreams().pace(stream.channel(), false);
        }
    }

    /** The upstream has the whole request: from now it has the response timeout to begin its answer. */
    private void startResponseTimer() {
        if (responseStarted) {
            return;
        }
        long timeoutMs = context.responseTimeout().toMillis();
        responseTimer = stream.executor().schedule(this::responseTimedOut, timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void responseTimedOut() {
        if (!responseStarted && stream.channel().isActive()) {
            respondError(HttpResponseStatus.GATEWAY_TIMEOUT, ErrorCode.UPSTREAM_TIMEOUT, "Gateway Timeout",
                    "The upstream at <code>" + ErrorPages.escape(tunnel.upstream().toString())
                            + "</code> did not answer within " + context.responseTimeout().toSeconds() + "s.");
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    /**
     * Answers the edge with the agent's own error page, which ends the response; the rest of the request is then
     * read and dropped, so that the stream's end (or reset) is seen.
     */
    private void respondError(HttpResponseStatus status, ErrorCode code, String title, String detail) {
        responseStarted = true;
        responseEnded = true;
        // The page carries the code in Protocol.AGENT_ERROR, which the edge passes on to the client.
        Http2Answers.send(stream, ErrorPages.page(stream.alloc(), status, code.wireName(), title, detail),
                !headRequest);
        releaseQueued();
        connection.pausedStreams().pace(stream.channel(), true);
    }

    private void releaseQueued() {
        Object queued;
        while ((queued = beforeOpen.poll()) != null) {
            ReferenceCountUtil.release(queued);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame reset && upstream != null) {
            // The public client's reason (a cancelled call, say) goes on to the upstream.
            upstream.writeAndFlush(new DefaultHttp2ResetFrame(errorOf(reset)));
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (upstream != null) {
            connection.pausedStreams().pace(upstream, ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (responseTimer != null) {
            responseTimer.cancel(false);
        }
        releaseQueued();
        if (upstream != null) {
            // Ended by both sides already, or reset by the edge: either way the upstream stream is done.
            upstream.close();
        }
        connection.streamClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug().log("tunnel stream failed: {}", cause.toString());
        ctx.close();
    }

    private static Http2Error errorOf(Http2ResetFrame reset) {
        Http2Error error = Http2Error.valueOf(reset.errorCode());
        return error != null ? error : Http2Error.CANCEL;
    }

    /** The upstream stream: relays the response (and its trailers, or its reset) onto the tunnel stream. */
    private final class UpstreamEnd extends ChannelInboundHandlerAdapter {
        private boolean streamDirty;
        private Http2Error resetBy;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (responseEnded) {
                ReferenceCountUtil.release(msg);
            } else if (msg instanceof Http2HeadersFrame headers) {
                fromUpstream(headers);
            } else if (msg instanceof Http2DataFrame data && responseStarted) {
                responseEnded = data.isEndStream();
                stream.write(new DefaultHttp2DataFrame(data.content(), data.isEndStream()));
                streamDirty = true;
            } else {
                ReferenceCountUtil.release(msg);
            }
            if (responseEnded && streamDirty) {
                // The upstream stream may close before its read completes: the end goes out now.
                streamDirty = false;
                stream.flush();
            }
        }

        private void fromUpstream(Http2HeadersFrame frame) {
            Http2Headers headers = frame.headers();
            if (!responseStarted) {
                CharSequence status = headers.status();
                if (status != null && status.length() == 3 && status.charAt(0) == '1') {
                    return;
                }
                responseStarted = true;
                if (responseTimer != null) {
                    responseTimer.cancel(false);
                }
            }
            HopByHopHeaders.strip(headers);
            HopByHopHeaders.stripInternal(headers);
            responseEnded = frame.isEndStream();
            stream.write(new DefaultHttp2HeadersFrame(headers, frame.isEndStream()));
            streamDirty = true;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (streamDirty) {
                streamDirty = false;
                stream.flush();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame reset) {
                resetBy = errorOf(reset);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            connection.pausedStreams().pace(stream.channel(), ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (streamDirty) {
                // What the upstream sent before it reset goes out before the reset does.
                streamDirty = false;
                stream.flush();
            }
            if (responseEnded || !stream.channel().isActive()) {
                return;
            }
            if (!responseStarted) {
                String how = resetBy != null ? "reset the stream (" + resetBy + ")" : "closed the connection";
                respondError(HttpResponseStatus.BAD_GATEWAY, ErrorCode.UPSTREAM_PROTOCOL, "Bad Gateway",
                        "The upstream " + how + " before it answered.");
            } else {
                // Cut short with the upstream's reason: the client must never take a partial answer for a whole one.
                stream.writeAndFlush(new DefaultHttp2ResetFrame(resetBy != null ? resetBy : Http2Error.CANCEL));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.atDebug().log("upstream stream failed: {}", cause.toString());
            ctx.close();
        }
    }
}
